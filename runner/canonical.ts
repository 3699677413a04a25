/**
 * Canonical JSON: object keys sorted, `undefined` members dropped. Two item states are equal
 * exactly when their canonical JSON is equal (the drift check's definition of "unchanged").
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value))
}

export function sameState(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null)
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : sortDeep(x)))
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k]
      if (x !== undefined) out[k] = sortDeep(x)
    }
    return out
  }
  return v
}
