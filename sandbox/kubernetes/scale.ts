/**
 * The `scale` subresource of Deployments and StatefulSets (autoscaling/v1 Scale), as
 * `kubectl scale` reads and patches it: spec.replicas of the Scale is the workload's.
 */
import type { StoredObject } from '../estate.js'
import type { SandboxResponse } from '../types.js'
import { mergePatch } from './patch.js'
import { badRequest, json, notFound } from './status.js'
import { findObject } from './store.js'
import type { WriteRequest } from './write.js'
import { update } from './write.js'

export const hasScale = (kind: string) => kind === 'Deployment' || kind === 'StatefulSet'

function scaleOf(obj: StoredObject): Record<string, unknown> {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string> } }
  const status = (obj.status ?? {}) as { replicas?: number }
  const selector = Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')
  const m = obj.metadata
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, selector },
  }
}

export function getScale(r: WriteRequest): SandboxResponse {
  const obj = findObject(r.sb, r.t, r.namespace, r.name!)
  if (!obj) throw notFound(r.t, r.name!)
  return json(200, scaleOf(obj))
}

/** PUT or merge/strategic PATCH of the Scale: writes spec.replicas through an update of the workload. */
export function writeScale(r: WriteRequest, isPatch: boolean): SandboxResponse {
  const obj = findObject(r.sb, r.t, r.namespace, r.name!)
  if (!obj) throw notFound(r.t, r.name!)
  const current = scaleOf(obj)
  const next = (isPatch ? mergePatch(current, r.body) : r.body) as { spec?: { replicas?: unknown }; metadata?: { resourceVersion?: string } }
  const replicas = next?.spec?.replicas
  if (typeof replicas !== 'number' || replicas < 0) throw badRequest('spec.replicas: Invalid value: must be a non-negative integer')
  const body = structuredClone(obj)
  ;(body.spec as { replicas: number }).replicas = replicas
  body.metadata.resourceVersion = next.metadata?.resourceVersion ?? obj.metadata.resourceVersion
  const res = update({ ...r, subresource: undefined, body })
  const stored = JSON.parse(String(res.body)) as StoredObject
  return json(200, scaleOf(stored))
}
