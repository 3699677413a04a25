/**
 * JSON pointers (RFC 6901) over plain JSON values, and the JSON patch that writes a set of
 * pointer values into an object: what k8s.patch journals and restores ("absent stays absent").
 */
import { isObject, type Json } from './objects.js'

export type PathValues = Record<string, unknown>
export type JsonPatchOp = { op: 'add' | 'replace' | 'remove' | 'test'; path: string; value?: unknown }

export const escapeToken = (t: string) => t.replace(/~/g, '~0').replace(/\//g, '~1')

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`)
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** `{found, value}` of the pointer in `doc`. */
export function lookup(doc: unknown, pointer: string): { found: boolean; value?: unknown } {
  let cur: unknown = doc
  for (const t of parsePointer(pointer)) {
    if (Array.isArray(cur) && /^\d+$/.test(t) && Number(t) < cur.length) cur = cur[Number(t)]
    else if (isObject(cur) && Object.hasOwn(cur, t)) cur = cur[t]
    else return { found: false }
  }
  return { found: true, value: cur }
}

const join = (tokens: string[]) => '/' + tokens.map(escapeToken).join('/')

/**
 * The values `doc` holds at `pointers`. An absent pointer is recorded as `null` at its outermost
 * absent ancestor (`{"/metadata/annotations": null}`), so that a restore knows which parents the
 * forward write created. (The API server stores no nulls, so null cannot be a real value here.)
 */
export function valuesAt(doc: unknown, pointers: string[]): PathValues {
  const out: PathValues = {}
  for (const p of pointers) {
    const tokens = parsePointer(p)
    let depth = 1
    while (depth <= tokens.length && lookup(doc, join(tokens.slice(0, depth))).found) depth++
    if (depth > tokens.length) out[p] = structuredClone(lookup(doc, p).value)
    else out[join(tokens.slice(0, depth))] = null
  }
  return out
}

/** True when `ancestor` is `p` or one of its parents. */
export const covers = (ancestor: string, p: string) => p === ancestor || p.startsWith(ancestor + '/')

/** The leaves a JSON merge patch writes: pointer to value, `null` meaning "remove". */
export function mergeLeaves(patch: unknown, prefix = ''): Array<[string, unknown]> {
  if (!isObject(patch)) return [[prefix, patch]]
  return Object.entries(patch).flatMap(([k, v]) =>
    isObject(v) && Object.keys(v).length > 0 ? mergeLeaves(v, `${prefix}/${escapeToken(k)}`) : [[`${prefix}/${escapeToken(k)}`, v] as [string, unknown]],
  )
}

/**
 * The JSON patch that makes `doc` hold `wanted` at every pointer of `pointers`: replace or add
 * (creating missing parent objects) where `wanted` has a value, remove where it has none.
 * Pointers that already hold their value give no operation.
 */
export function patchTo(doc: unknown, pointers: string[], wanted: PathValues, pruneUpTo: string[] = []): JsonPatchOp[] {
  const work = structuredClone(doc) as Json
  const ops: JsonPatchOp[] = []
  for (const p of pointers) {
    const has = Object.hasOwn(wanted, p) && wanted[p] !== null
    const cur = lookup(work, p)
    if (!has) {
      if (cur.found) push(ops, work, { op: 'remove', path: p })
      continue
    }
    if (cur.found) {
      if (JSON.stringify(cur.value) !== JSON.stringify(wanted[p])) push(ops, work, { op: 'replace', path: p, value: wanted[p] })
      continue
    }
    // Find the deepest existing parent; add the rest as nested objects in one operation.
    const tokens = parsePointer(p)
    let depth = tokens.length - 1
    while (depth > 0 && !lookup(work, '/' + tokens.slice(0, depth).map(escapeToken).join('/')).found) depth--
    let value: unknown = structuredClone(wanted[p])
    for (let i = tokens.length - 1; i > depth; i--) value = { [tokens[i]]: value }
    push(ops, work, { op: 'add', path: '/' + tokens.slice(0, depth + 1).map(escapeToken).join('/'), value })
  }
  // Parents the forward write created go again, but only when nothing else lives in them now.
  for (const a of pruneUpTo) {
    const floor = parsePointer(a).length
    for (const p of pointers.filter((x) => covers(a, x) && x !== a)) {
      const tokens = parsePointer(p)
      for (let depth = tokens.length - 1; depth >= floor; depth--) {
        const r = lookup(work, join(tokens.slice(0, depth)))
        if (!r.found || !isObject(r.value) || Object.keys(r.value).length > 0) break
        push(ops, work, { op: 'remove', path: join(tokens.slice(0, depth)) })
      }
    }
  }
  return ops
}

function push(ops: JsonPatchOp[], work: Json, op: JsonPatchOp): void {
  ops.push(op)
  const tokens = parsePointer(op.path)
  const last = tokens.pop() as string
  const parent = lookup(work, '/' + tokens.map(escapeToken).join('/')).value ?? (tokens.length === 0 ? work : undefined)
  if (Array.isArray(parent)) {
    if (op.op === 'remove') parent.splice(Number(last), 1)
    else parent[Number(last)] = structuredClone(op.value) as Json
  } else if (isObject(parent)) {
    if (op.op === 'remove') delete parent[last]
    else parent[last] = structuredClone(op.value) as Json
  }
}
