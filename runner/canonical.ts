/**
 * Canonical JSON: object keys sorted, `undefined` members dropped, arrays kept in order, dates as
 * ISO strings. Two item states are equal exactly when their canonical JSON is equal: the drift
 * check's and idempotence's definition of "unchanged", and the form of `sandbox dump`.
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

/** True when `a` and `b` are the same state (key order does not matter; undefined counts as null). */
export function sameState(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null)
}

/**
 * String order by UTF-16 code units: the order `sort()` gives strings and the Kubernetes API
 * server lists objects in, the same on every machine. (`localeCompare` depends on the machine's
 * locale and loads ICU's collation data, several MiB, on first use.)
 */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
