/**
 * Canonical JSON: object keys sorted, `undefined` members dropped, arrays kept in order.
 * Two values are the same state exactly when their canonical JSON strings are equal; the
 * engine's drift check and the sandbox's dump both rely on it.
 */

/** A deep copy of `value` with every object's keys in sorted order and undefined members removed. */
export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonicalize(v)))
  if (value && typeof value === 'object') {
    if (value instanceof Date) return value.toISOString()
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = canonicalize(v)
    }
    return out
  }
  return value
}

/** The canonical JSON text of `value` (compact unless `indent` is given). */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(canonicalize(value), null, indent) ?? 'null'
}

/** True when `a` and `b` have the same canonical JSON (key order does not matter, array order does). */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b)
}
