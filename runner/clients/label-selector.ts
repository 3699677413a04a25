/**
 * Kubernetes label selectors matched on the client side (`a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x,y)`, `a`, `!a`), for objects a plan holds that the API server has not seen. A term
 * this does not understand matches nothing, so an overlay never shows an object the server would
 * not list.
 */
export type LabelMatcher = (labels: Record<string, string>) => boolean

/** Splits on commas outside parentheses. */
function terms(s: string): string[] {
  const out: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of s) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out.map((x) => x.trim()).filter((x) => x.length > 0)
}

function term(t: string): LabelMatcher {
  const has = (l: Record<string, string>, k: string) => Object.prototype.hasOwnProperty.call(l, k)
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(t)
  if (set) {
    const [, key, op, list] = set
    const values = list.split(',').map((v) => v.trim()).filter((v) => v.length > 0)
    return op === 'in' ? (l) => has(l, key) && values.includes(l[key]) : (l) => !has(l, key) || !values.includes(l[key])
  }
  const cmp = /^([^!=\s]+)\s*(==|!=|=)\s*(\S*)$/.exec(t)
  if (cmp) {
    const [, key, op, value] = cmp
    return op === '!=' ? (l) => !has(l, key) || l[key] !== value : (l) => has(l, key) && l[key] === value
  }
  if (/^![^\s!=]+$/.test(t)) return (l) => !has(l, t.slice(1))
  if (/^[^\s!=()]+$/.test(t)) return (l) => has(l, t)
  return () => false
}

export function labelMatcher(selector: string | undefined): LabelMatcher {
  if (!selector) return () => true
  const all = terms(selector).map(term)
  return (labels) => all.every((m) => m(labels))
}
