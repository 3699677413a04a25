/** "Did you mean" suggestions: the nearest known name by edit distance, when it is close. */

/** Edit distance counting a swap of neighbours as one edit (typos like "tiemout"); short names only. */
export function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Math.max(a.length, b.length)
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i])
  for (let j = 0; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

/** The known name closest to `name`, if within a third of its length (at least 1, case ignored). */
export function nearest(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestD = Infinity
  const lower = name.toLowerCase()
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase())
    if (d < bestD) {
      best = k
      bestD = d
    }
  }
  return bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined
}

/** ` (did you mean "x"?)` or an empty string. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const n = nearest(name, known)
  return n === undefined ? '' : ` (did you mean "${n}"?)`
}
