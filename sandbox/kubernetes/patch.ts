/**
 * The three patch formats of PATCH requests: JSON merge patch (RFC 7386), JSON patch (RFC 6902,
 * including `test`), and strategic merge patch as far as workloads need it (lists of objects with
 * a `name` merge by name; `$patch: delete` removes an item; `$patch: replace` replaces a map or
 * list; other lists are replaced). Pure functions: the input is never modified.
 */
import { badRequest, KubeStatusError } from './status.js'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type JsonObject = { [k: string]: Json }

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)
const clone = <T>(v: T): T => structuredClone(v)

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch)
  const out: JsonObject = isObject(target) ? clone(target) : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v) as Json
  }
  return out
}

/** Lists merged by key in strategic merge patch: objects that all carry a string `name`. */
function mergeKey(list: Json[]): string | null {
  return list.length > 0 && list.every((i) => isObject(i) && typeof i.name === 'string') ? 'name' : null
}

export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch)
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch
    return clone(rest)
  }
  const out: JsonObject = isObject(target) ? clone(target) : {}
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue
    if (v === null) delete out[k]
    else if (Array.isArray(v) && Array.isArray(out[k])) out[k] = mergeList(out[k] as Json[], v)
    else if (isObject(v)) out[k] = strategicMergePatch(out[k], v) as Json
    else out[k] = clone(v)
  }
  return out
}

function mergeList(current: Json[], patch: Json[]): Json[] {
  const key = mergeKey(patch.filter((i) => !(isObject(i) && i.$patch === 'delete' && Object.keys(i).length === 1)))
  if (!key || mergeKey(current) !== key) return clone(patch).filter((i) => !(isObject(i) && i.$patch))
  const out = clone(current) as JsonObject[]
  for (const item of patch as JsonObject[]) {
    const idx = out.findIndex((c) => c[key] === item[key])
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1)
    } else if (idx >= 0) out[idx] = strategicMergePatch(out[idx], item) as JsonObject
    else out.push(strategicMergePatch({}, item) as JsonObject)
  }
  return out
}

type Op = { op: string; path: string; value?: Json; from?: string }

function pointer(path: string): string[] {
  if (path === '') return []
  if (!path.startsWith('/')) throw notApplied()
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** The member or item `s` of `cur` (own members only: "constructor" is no path). */
const child = (cur: Json, s: string): Json | undefined =>
  Array.isArray(cur) ? cur[Number(s)] : isObject(cur) && Object.hasOwn(cur, s) ? cur[s] : undefined

function parentOf(doc: Json, segs: string[]): { parent: Json; last: string } {
  let cur: Json = doc
  for (const s of segs.slice(0, -1)) {
    const next = child(cur, s)
    if (next === undefined) throw notApplied()
    cur = next
  }
  return { parent: cur, last: segs[segs.length - 1] }
}

/**
 * A JSON patch that does not apply (missing path, index out of range, failed test, unknown op).
 * The API server answers every such error of the patch library with the same generic 422
 * (handlers/patch.go: NewGenericServerResponse without causes): no path, no reason beyond this.
 */
function notApplied(): KubeStatusError {
  return new KubeStatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {})
}

function read(doc: Json, path: string): Json {
  let cur: Json = doc
  for (const s of pointer(path)) {
    const next = child(cur, s)
    if (next === undefined) throw notApplied()
    cur = next
  }
  return cur
}

function remove(doc: Json, path: string): Json {
  const { parent, last } = parentOf(doc, pointer(path))
  if (Array.isArray(parent)) {
    const i = Number(last)
    if (!(i >= 0 && i < parent.length)) throw notApplied()
    return parent.splice(i, 1)[0]
  }
  if (!isObject(parent) || !Object.hasOwn(parent, last)) throw notApplied()
  const v = parent[last]
  delete parent[last]
  return v
}

function add(doc: Json, path: string, value: Json, replace: boolean): Json {
  const segs = pointer(path)
  if (segs.length === 0) return clone(value)
  const { parent, last } = parentOf(doc, segs)
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last)
    if (!(i >= 0 && i <= parent.length) || (replace && i >= parent.length)) throw notApplied()
    parent.splice(i, replace ? 1 : 0, clone(value))
  } else if (isObject(parent)) {
    if (replace && !Object.hasOwn(parent, last)) throw notApplied()
    parent[last] = clone(value)
  } else throw notApplied()
  return doc
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (isObject(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x))

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch')
  let doc = clone(target) as Json
  for (const o of ops as Op[]) {
    switch (o.op) {
      case 'add':
        doc = add(doc, o.path, o.value ?? null, false)
        break
      case 'replace':
        doc = add(doc, o.path, o.value ?? null, true)
        break
      case 'remove':
        remove(doc, o.path)
        break
      case 'move':
        doc = add(doc, o.path, remove(doc, o.from ?? ''), false)
        break
      case 'copy':
        doc = add(doc, o.path, read(doc, o.from ?? ''), false)
        break
      case 'test':
        if (canonical(read(doc, o.path)) !== canonical(o.value ?? null)) throw notApplied()
        break
      default:
        throw notApplied()
    }
  }
  return doc
}
