/**
 * What the API server does to an object between decoding and storing it: validation (the
 * checks the steps can trip over), status handling for types with a status subresource, and the
 * status a controller would set at once (rollout start, Job start, Namespace phase).
 */
import type { StoredObject } from '../estate.js'
import type { SandboxCore } from '../types.js'
import { scheduleProblem } from './cron.js'
import { startJob } from './jobs.js'
import type { ResourceType } from './resources.js'
import { startRollout, statefulSetReady } from './rollout.js'
import { invalid, type InvalidCause } from './status.js'

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/** Throws 422 Invalid like the real validation for the fields checked here. */
export function validate(t: ResourceType, obj: StoredObject): void {
  const causes: InvalidCause[] = []
  const name = obj.metadata?.name
  if (!name) causes.push({ field: 'metadata.name', type: 'Required value', detail: 'name or generateName is required' })
  else if (name.length > 253 || !DNS_SUBDOMAIN.test(name))
    causes.push({
      field: 'metadata.name',
      type: 'Invalid value',
      value: name,
      detail: `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    })
  if (t.kind === 'CronJob') {
    const spec = (obj.spec ?? {}) as { schedule?: unknown; timeZone?: unknown }
    const p = scheduleProblem(spec.schedule, spec.timeZone)
    if (p && p.detail === 'Required value') causes.push({ field: p.field, type: 'Required value', detail: '' })
    else if (p) causes.push({ field: p.field, type: 'Invalid value', value: p.value, detail: p.detail })
  }
  if (causes.length > 0) throw invalid(t, name ?? '', causes)
}

/**
 * A write to the main resource of a type with a status subresource cannot change status: the
 * stored status is kept (and none is taken on create). Mutates `next`.
 */
export function keepStoredStatus(t: ResourceType, prev: StoredObject | null, next: StoredObject): void {
  if (!t.statusSubresource) return
  if (prev?.status !== undefined) next.status = structuredClone(prev.status)
  else delete next.status
}

/**
 * The status controllers set at once after a write (mutates `next`, which is already stamped,
 * so its generation is current): rollout start, StatefulSet readiness, Job start, Namespace phase.
 */
export function controllerStatus(t: ResourceType, prev: StoredObject | null, next: StoredObject, sb: SandboxCore): void {
  const now = sb.time.now()
  const specMoved = !prev || prev.metadata.generation !== next.metadata.generation
  if (t.kind === 'Deployment' && specMoved) startRollout(next, prev, now)
  if (t.kind === 'StatefulSet' && specMoved) statefulSetReady(next)
  if (t.kind === 'Job' && !prev) startJob(next, now)
  if (t.kind === 'Namespace' && !prev) next.status = { phase: 'Active' }
}

/** Secrets keep `stringData` only on the way in: it is merged into `data` as base64 (mutates `obj`). */
export function normalize(t: ResourceType, obj: StoredObject): void {
  if (t.kind !== 'Secret' || typeof obj.stringData !== 'object' || obj.stringData === null) return
  const data = { ...((obj.data as Record<string, string> | undefined) ?? {}) }
  for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) data[k] = Buffer.from(String(v)).toString('base64')
  obj.data = data
  delete obj.stringData
}
