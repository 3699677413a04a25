/**
 * JSON patch (RFC 6902) as k8s.patch allows it, applied to a copy of an object to find out at
 * plan time whether the patch applies, and if not, where and what is there instead.
 *
 * RFC 6902: `replace`, `remove` and `test` need the path to exist; `add` needs its parent and sets
 * an object member whether or not it exists; array indices are plain numbers within range; `test`
 * compares as JSON and writes nothing; each operation applies to the result of the ones before it.
 * On top of it, for reversibility by path (the journal keeps the values at the touched paths): a
 * list grows only at its end and shrinks only by its last item, since an insert or a removal
 * elsewhere shifts the items after it, which no restore by path can put back.
 */
import { sameState } from '../../runner/canonical.js'
import { isObject, type Json } from './objects.js'
import { escapeToken, parsePointer } from './pointer.js'

/** One operation of the json form. */
export type JsonOp = { op: 'add' | 'replace' | 'remove' | 'test'; path: string; value?: unknown }

/** The patched copy, or the first operation that does not apply, in one line. */
export type JsonPatchResult = { doc: unknown } | { problem: string }

/** How a problem shows the value at a pointer (a failed test): JSON by default; a mask for sensitive values. */
export type ShowValue = (pointer: string, value: unknown) => string
const asJson: ShowValue = (_pointer, value) => JSON.stringify(value ?? null)

const join = (tokens: string[]) => (tokens.length === 0 ? '' : '/' + tokens.map(escapeToken).join('/'))
const label = (tokens: string[]) => join(tokens) || '(the object)'
/** RFC 6901: an array index is 0 or digits without a leading zero. */
const index = (t: string) => (/^(0|[1-9]\d*)$/.test(t) ? Number(t) : undefined)

/** What a value holds, for "not found; /spec has backends, service". */
function holds(tokens: string[], v: unknown): string {
  if (Array.isArray(v)) return `${label(tokens)} has ${v.length} item${v.length === 1 ? '' : 's'}${v.length > 0 ? ` (0..${v.length - 1})` : ''}`
  if (isObject(v)) {
    const keys = Object.keys(v).sort()
    return keys.length === 0 ? `${label(tokens)} is empty` : `${label(tokens)} has ${keys.slice(0, 12).join(', ')}${keys.length > 12 ? `, ... (${keys.length})` : ''}`
  }
  return `${label(tokens)} is ${v === null ? 'null' : `a ${typeof v}`}`
}

/** Walks `tokens` from `doc`: the value found, or a reason naming the deepest parent that exists. */
function walk(doc: unknown, tokens: string[]): { value: unknown } | { missing: string } {
  let cur = doc
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    const at = tokens.slice(0, i + 1)
    const n = Array.isArray(cur) ? index(t) : undefined
    if (Array.isArray(cur) && n !== undefined && n < cur.length) cur = cur[n]
    else if (isObject(cur) && Object.hasOwn(cur, t)) cur = cur[t]
    else return { missing: `${join(at)}: not found; ${holds(tokens.slice(0, i), cur)}` }
  }
  return { value: cur }
}

function step(doc: Json, op: JsonOp, show: ShowValue): string | undefined {
  const tokens = parsePointer(op.path)
  if (tokens.length === 0) return 'k8s.patch patches paths inside the object, not the whole object'
  const last = tokens[tokens.length - 1]
  const parentTokens = tokens.slice(0, -1)
  const parent = walk(doc, parentTokens)
  if ('missing' in parent) return parent.missing
  const container = parent.value
  if (op.op === 'add') {
    if (isObject(container)) {
      container[last] = structuredClone(op.value) as Json
      return undefined
    }
    if (!Array.isArray(container)) return `${op.path}: not found; ${holds(parentTokens, container)}`
    const i = index(last)
    if (i === undefined || i > container.length) return `${op.path}: index out of range; ${holds(parentTokens, container)}; add at ${container.length} appends`
    if (i < container.length) {
      return `inserting into a list shifts the items after it and cannot be undone by path; add at ${join([...parentTokens, String(container.length)])} (the end) or replace ${op.path}`
    }
    container.push(structuredClone(op.value) as Json)
    return undefined
  }
  const found = walk(doc, tokens)
  if ('missing' in found) return found.missing
  if (op.op === 'test') {
    return sameState(found.value, op.value) ? undefined : `test failed: expected ${show(op.path, op.value ?? null)}, found ${show(op.path, found.value)}`
  }
  if (Array.isArray(container)) {
    const i = index(last)!
    if (op.op === 'replace') container[i] = structuredClone(op.value) as Json
    else if (i !== container.length - 1) {
      return `removing from a list shifts the items after it and cannot be undone by path; only the last item, ${join([...parentTokens, String(container.length - 1)])}, can be removed`
    } else container.pop()
    return undefined
  }
  const obj = container as Record<string, Json>
  if (op.op === 'replace') obj[last] = structuredClone(op.value) as Json
  else delete obj[last]
  return undefined
}

/**
 * Applies `ops` in order to a copy of `doc` (never modified). The first operation that does not
 * apply gives `json[i] op path: reason`, the reason naming what is there instead (values through `show`).
 */
export function applyJsonPatch(doc: unknown, ops: JsonOp[], show: ShowValue = asJson): JsonPatchResult {
  const work = structuredClone(doc) as Json
  for (const [i, op] of ops.entries()) {
    const problem = step(work, op, show)
    if (problem !== undefined) return { problem: `json[${i}] ${op.op} ${op.path}: ${problem}` }
  }
  return { doc: work }
}
