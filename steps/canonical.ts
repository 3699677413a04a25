/** Canonical JSON (sorted keys, no undefined): how item states are compared, as the engine does. */
export function canonical(v: unknown): string {
  return JSON.stringify(sortDeep(v))
}

export function sameState(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b)
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep)
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k]
      if (x !== undefined) out[k] = sortDeep(x)
    }
    return out
  }
  return v
}
