/**
 * Server-managed metadata of stored objects: uid, resourceVersion, generation (bumped when the
 * spec changes), creationTimestamp on virtual time, and the time format the API server uses.
 */
import { createHash } from 'node:crypto'
import type { StoredObject } from '../estate.js'
import type { SandboxCore } from '../types.js'

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** JSON with object keys sorted, for equality of values regardless of key order. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v ?? null, (_k, x) =>
    isObject(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  )
}

/** RFC 3339 with whole seconds, as metav1.Time serializes. */
export function kubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/** A stable uid derived from the object's identity and the resourceVersion it was created at. */
function uidFor(obj: StoredObject, rv: string): string {
  const h = createHash('sha256').update(`${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}/${rv}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** Everything but metadata and status: what a generation counts changes of. */
function specOf(obj: StoredObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj
  return canonicalJson(rest)
}

/** Stamps a new object (mutates it). */
export function stampCreated(obj: StoredObject, sb: SandboxCore): void {
  const rv = sb.nextResourceVersion()
  const m = obj.metadata
  for (const k of ['resourceVersion', 'uid', 'generation', 'creationTimestamp', 'deletionTimestamp', 'selfLink']) delete m[k]
  Object.assign(m, { uid: uidFor(obj, rv), resourceVersion: rv, generation: 1, creationTimestamp: kubeTime(sb.time.now()) })
}

/**
 * Stamps an updated object (mutates `next`): identity metadata comes from `prev`, the generation
 * moves when the spec changed. Returns whether anything besides server metadata changed; when
 * nothing did, the resourceVersion and managedFields stay too, as on a real server.
 */
export function stampUpdated(prev: StoredObject, next: StoredObject, sb: SandboxCore): boolean {
  const m = next.metadata
  const p = prev.metadata
  Object.assign(m, { uid: p.uid, creationTimestamp: p.creationTimestamp, generation: p.generation ?? 1 })
  const specChanged = specOf(prev) !== specOf(next)
  if (specChanged) m.generation = Number(p.generation ?? 1) + 1
  m.resourceVersion = p.resourceVersion
  const changed = canonicalJson(withoutManaged(prev)) !== canonicalJson(withoutManaged(next))
  if (changed) m.resourceVersion = sb.nextResourceVersion()
  else m.managedFields = p.managedFields
  return changed
}

function withoutManaged(o: StoredObject): StoredObject {
  const { managedFields: _f, ...metadata } = o.metadata
  return { ...o, metadata }
}

export function specChanged(prev: StoredObject, next: StoredObject): boolean {
  return specOf(prev) !== specOf(next)
}
