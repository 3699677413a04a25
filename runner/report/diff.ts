/**
 * Field-level differences between two item states: the leaves (JSON pointers) that were added,
 * removed or changed, so a reader sees `/TTL 300 -> 60` instead of two JSON blobs.
 */
import { canonicalJson } from '../canonical.js'

export type FieldChange = { path: string; op: 'added' | 'removed' | 'changed'; before?: string; after?: string }

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const escapeToken = (t: string) => t.replace(/~/g, '~0').replace(/\//g, '~1')
/** Short enough for one table cell. */
const cell = (v: unknown) => {
  const s = typeof v === 'string' ? v : canonicalJson(v)
  return s.length > 200 ? `${s.slice(0, 199)}…` : s
}

/** Leaves by pointer; empty objects and arrays are leaves of their own. */
function leaves(v: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (isPlainObject(v) && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) leaves(x, `${prefix}/${escapeToken(k)}`, out)
  } else if (Array.isArray(v) && v.length > 0) {
    v.forEach((x, i) => leaves(x, `${prefix}/${i}`, out))
  } else out.set(prefix === '' ? '/' : prefix, v)
  return out
}

/** Sorted by pointer. An absent item (null) has no fields: creating it adds every leaf. */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const b = before === null || before === undefined ? new Map<string, unknown>() : leaves(before, '', new Map())
  const a = after === null || after === undefined ? new Map<string, unknown>() : leaves(after, '', new Map())
  const out: FieldChange[] = []
  for (const path of [...new Set([...b.keys(), ...a.keys()])].sort()) {
    const had = b.has(path)
    const has = a.has(path)
    if (had && has) {
      if (canonicalJson(b.get(path)) !== canonicalJson(a.get(path))) out.push({ path, op: 'changed', before: cell(b.get(path)), after: cell(a.get(path)) })
    } else if (has) out.push({ path, op: 'added', after: cell(a.get(path)) })
    else out.push({ path, op: 'removed', before: cell(b.get(path)) })
  }
  return out
}
