/**
 * Sensitive values in path-value states (k8s.patch journals `{jsonPointer: value}` for exactly the
 * paths it touches, see pointer.ts). The same guarantees as whole-object states (secrets.ts): every
 * sensitive value is a salted mask, salted with the item key and the value's own pointer in the
 * object, so the masks of a path-value state and of the object it came from agree, and the backup
 * and restore of secrets.ts work on a path-value state once it is laid out as a sparse object
 * ({@link sparseOf}, {@link pathsOf}).
 *
 * Sensitive are: in a core/v1 Secret, every member of `data` and `stringData`; in any object, each
 * pointer a step lists as `sensitive`, with everything below it.
 */
import type { KubeRef } from '../../runner/clients/kube-types.js'
import { isObject } from './objects.js'
import { covers, escapeToken, lookup, parsePointer, type PathValues } from './pointer.js'
import { isMasked, maskOf } from './secrets.js'

/** True when the value at a pointer of the object (and all below it) is sensitive. */
export type Sensitivity = (pointer: string) => boolean

export const isCoreSecret = (ref: KubeRef) => ref.apiVersion === 'v1' && ref.kind === 'Secret'

export function sensitivity(ref: KubeRef, extra: readonly string[]): Sensitivity {
  const secret = isCoreSecret(ref)
  return (pointer) => {
    const t = parsePointer(pointer)
    if (secret && t.length >= 2 && (t[0] === 'data' || t[0] === 'stringData')) return true
    return extra.some((s) => covers(s, pointer))
  }
}

/** A sensitive value inside a value written at some pointer: its own pointer, its path inside the written value, the value. */
export type SensitivePart = { pointer: string; path: Array<string | number>; value: unknown }

/** The outermost sensitive values inside `value`, written at `pointer` (the value itself when the pointer is sensitive). */
export function sensitiveParts(pointer: string, value: unknown, isSensitive: Sensitivity): SensitivePart[] {
  const out: SensitivePart[] = []
  const walk = (v: unknown, ptr: string, path: Array<string | number>): void => {
    if (isSensitive(ptr)) out.push({ pointer: ptr, path, value: v })
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${ptr}/${i}`, [...path, i]))
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) walk(x, `${ptr}/${escapeToken(k)}`, [...path, k])
  }
  walk(value, pointer, [])
  return out
}

/** True when the value at `pointer` is sensitive or holds a sensitive value. */
export const holdsSensitive = (pointer: string, value: unknown, isSensitive: Sensitivity) => sensitiveParts(pointer, value, isSensitive).length > 0

/** A copy of a path-value state with each sensitive value replaced by its mask; null (absent) stays. */
export function maskPaths(key: string, state: PathValues | null, isSensitive: Sensitivity): PathValues | null {
  if (state === null) return null
  const out: PathValues = {}
  for (const [ptr, v] of Object.entries(state)) setOwn(out, ptr, v === null ? null : maskWithin(key, ptr, v, isSensitive))
  return out
}

function maskWithin(key: string, ptr: string, v: unknown, isSensitive: Sensitivity): unknown {
  if (isSensitive(ptr)) return isMasked(v) ? v : maskOf(key, ptr, v)
  if (Array.isArray(v)) return v.map((x, i) => maskWithin(key, `${ptr}/${i}`, x, isSensitive))
  if (!isObject(v)) return v
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) setOwn(out, k, maskWithin(key, `${ptr}/${escapeToken(k)}`, x, isSensitive))
  return out
}

/** The state laid out as a sparse object: each present value at its pointer (array indices become member names). */
export function sparseOf(state: PathValues | null): Record<string, unknown> {
  const doc: Record<string, unknown> = {}
  for (const [ptr, v] of Object.entries(state ?? {})) {
    if (v === null) continue
    const tokens = parsePointer(ptr)
    let node = doc
    for (const t of tokens.slice(0, -1)) {
      if (!isObject(node[t])) setOwn(node, t, {})
      node = node[t] as Record<string, unknown>
    }
    setOwn(node, tokens[tokens.length - 1], structuredClone(v))
  }
  return doc
}

/** Inverse of {@link sparseOf}: the values of `sparse` at the pointers of `state`, absent entries kept absent. */
export function pathsOf(state: PathValues, sparse: unknown): PathValues {
  const out: PathValues = {}
  for (const [ptr, v] of Object.entries(state)) setOwn(out, ptr, v === null ? null : lookup(sparse, ptr).value)
  return out
}

/** A member set as a plain own property, whatever its name (`__proto__` included). */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true })
}

/** A value read with `${{ secrets.NAME }}`, as the journaled `with` keeps it. */
const SECRET_REF = /^\$\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_-]*\s*\}\}$/

/**
 * The paths (inside `value`, written at `pointer`) of sensitive values given literally: every
 * leaf at or below a sensitive pointer must be exactly one `${{ secrets.NAME }}` (null, a removal,
 * is no value).
 */
export function literalSensitive(pointer: string, value: unknown, isSensitive: Sensitivity): Array<Array<string | number>> {
  const leaves = (v: unknown, path: Array<string | number>): Array<Array<string | number>> => {
    if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, [...path, i]))
    if (isObject(v)) return Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]))
    return v === null || (typeof v === 'string' && SECRET_REF.test(v)) ? [] : [path]
  }
  return sensitiveParts(pointer, value, isSensitive).flatMap((part) => leaves(part.value, part.path))
}
