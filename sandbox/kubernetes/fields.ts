/**
 * Field ownership for server-side apply, simplified from structured-merge-diff: a field set is
 * the set of leaf paths an object sets; lists of objects with a `name` are keyed by it
 * (`k:{"name":"app"}`), every other list is atomic. Paths use the `fieldsV1` key spelling
 * (`f:spec`, `k:{...}`), so a set converts to and from `metadata.managedFields[].fieldsV1`.
 */

export type FieldPath = string[]

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export const keyed = (list: unknown[]): boolean =>
  list.length > 0 && list.every((i) => isObject(i) && typeof i.name === 'string')

const pathKey = (p: FieldPath): string => JSON.stringify(p)
const fromKey = (k: string): FieldPath => JSON.parse(k) as FieldPath

/** Leaf paths of `obj`, skipping what the server owns (identity, server metadata, status). */
export function leafPaths(obj: Record<string, unknown>, skipStatus: boolean): Set<string> {
  const out = new Set<string>()
  const walk = (v: unknown, prefix: FieldPath) => {
    if (isObject(v) && Object.keys(v).length > 0) {
      for (const [k, x] of Object.entries(v)) walk(x, [...prefix, `f:${k}`])
    } else if (Array.isArray(v) && keyed(v)) {
      for (const item of v as Array<Record<string, unknown>>) walk(item, [...prefix, `k:${JSON.stringify({ name: item.name })}`])
    } else out.add(pathKey(prefix))
  }
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || (k === 'status' && skipStatus)) continue
    if (k === 'metadata' && isObject(v)) {
      for (const m of ['labels', 'annotations'] as const) if (isObject(v[m])) walk(v[m], ['f:metadata', `f:${m}`])
      continue
    }
    walk(v, [`f:${k}`])
  }
  return out
}

/** The value at a path, or undefined. */
export function getAt(obj: unknown, path: FieldPath): unknown {
  let cur: unknown = obj
  for (const seg of path) {
    if (seg.startsWith('f:') && isObject(cur)) cur = cur[seg.slice(2)]
    else if (seg.startsWith('k:') && Array.isArray(cur)) {
      const name = (JSON.parse(seg.slice(2)) as { name: string }).name
      cur = cur.find((i) => isObject(i) && i.name === name)
    } else return undefined
    if (cur === undefined) return undefined
  }
  return cur
}

/** Removes the value at a path; a keyed list item left holding only its name goes too. */
export function removeAt(obj: unknown, path: FieldPath): void {
  const parents: unknown[] = [obj]
  for (const seg of path.slice(0, -1)) {
    const next = getAt(parents[parents.length - 1], [seg])
    if (next === undefined) return
    parents.push(next)
  }
  const parent = parents[parents.length - 1]
  const last = path[path.length - 1]
  if (last.startsWith('f:') && isObject(parent)) delete parent[last.slice(2)]
  else if (last.startsWith('k:') && Array.isArray(parent)) {
    const name = (JSON.parse(last.slice(2)) as { name: string }).name
    const i = parent.findIndex((x) => isObject(x) && x.name === name)
    if (i >= 0) parent.splice(i, 1)
  }
  for (let i = path.length - 2; i >= 0; i--) {
    const seg = path[i]
    const node = parents[i + 1]
    if (seg.startsWith('k:') && isObject(node) && Object.keys(node).length === 1 && 'name' in node) removeAt(obj, path.slice(0, i + 1))
    else break
  }
}

export function toFieldsV1(paths: Iterable<string>): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  for (const k of paths) {
    let cur = root
    for (const seg of fromKey(k)) {
      cur[seg] ??= seg.startsWith('k:') ? { '.': {} } : {}
      cur = cur[seg] as Record<string, unknown>
    }
  }
  return root
}

export function fromFieldsV1(fields: unknown): Set<string> {
  const out = new Set<string>()
  const walk = (node: unknown, prefix: FieldPath) => {
    const entries = isObject(node) ? Object.entries(node).filter(([k]) => k !== '.') : []
    if (entries.length === 0) {
      if (prefix.length > 0 && !prefix[prefix.length - 1].startsWith('k:')) out.add(pathKey(prefix))
      return
    }
    for (const [k, v] of entries) walk(v, [...prefix, k])
  }
  walk(fields, [])
  return out
}

/** `.spec.template.spec.containers[name="app"].image`, as conflict messages print paths. */
export function displayPath(key: string): string {
  return fromKey(key)
    .map((seg) => (seg.startsWith('f:') ? `.${seg.slice(2)}` : `[name=${JSON.stringify((JSON.parse(seg.slice(2)) as { name: string }).name)}]`))
    .join('')
}

export { pathKey, fromKey }
