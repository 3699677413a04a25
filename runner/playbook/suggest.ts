/** "Did you mean" suggestions: the nearest known name by edit distance, when it is close. */

/** Levenshtein distance, O(a·b) on short names only. */
export function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Math.max(a.length, b.length)
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = cur
  }
  return prev[b.length]!
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
