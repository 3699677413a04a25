/**
 * Deployment rollout status, as the real deployment controller reports it: a spec change starts
 * a rollout (Progressing=True ReplicaSetUpdated); `deploymentReadyDelayMs` later every replica is
 * ready (Available=True, Progressing=True NewReplicaSetAvailable); a Deployment listed in
 * `neverReady` instead reaches Progressing=False ProgressDeadlineExceeded after
 * `spec.progressDeadlineSeconds` (default 600). The rollout's start is the Progressing
 * condition's lastUpdateTime, so the state lives in the object's own status.
 */
import { createHash } from 'node:crypto'
import type { StoredObject } from '../estate.js'
import type { SandboxCore } from '../types.js'
import { kubeTime } from './object-meta.js'

type Condition = { type: string; status: string; reason: string; message: string; lastUpdateTime: string; lastTransitionTime: string }
type DeploymentStatus = {
  observedGeneration?: number
  replicas?: number
  updatedReplicas?: number
  readyReplicas?: number
  availableReplicas?: number
  unavailableReplicas?: number
  conditions?: Condition[]
}

const spec = (d: StoredObject) => (d.spec ?? {}) as { replicas?: number; progressDeadlineSeconds?: number }
const replicasOf = (d: StoredObject) => spec(d).replicas ?? 1
const statusOf = (d: StoredObject) => (d.status ?? {}) as DeploymentStatus
const cond = (d: StoredObject, type: string) => statusOf(d).conditions?.find((c) => c.type === type)

function replicaSetName(d: StoredObject): string {
  const template = JSON.stringify((d.spec as { template?: unknown } | undefined)?.template ?? {})
  return `${d.metadata.name}-${createHash('sha256').update(template).digest('hex').slice(0, 10)}`
}

function setCondition(conds: Condition[], c: Omit<Condition, 'lastTransitionTime'>, at: string): Condition[] {
  const old = conds.find((x) => x.type === c.type)
  const next = { ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : at }
  return [...conds.filter((x) => x.type !== c.type), next].sort((a, b) => (a.type < b.type ? -1 : 1))
}

/** A Deployment was created or its spec changed at `now`: the rollout starts (mutates `d`). */
export function startRollout(d: StoredObject, prev: StoredObject | null, now: number): void {
  const at = kubeTime(now)
  const n = replicasOf(d)
  const before = prev ? statusOf(prev) : {}
  const available = Math.min(before.availableReplicas ?? 0, n)
  let conditions = before.conditions ?? []
  if (!conditions.some((c) => c.type === 'Available'))
    conditions = setCondition(conditions, { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastUpdateTime: at }, at)
  conditions = setCondition(
    conditions,
    { type: 'Progressing', status: 'True', reason: prev ? 'ReplicaSetUpdated' : 'NewReplicaSetCreated', message: `ReplicaSet "${replicaSetName(d)}" is progressing.`, lastUpdateTime: at },
    at,
  )
  d.status = {
    observedGeneration: d.metadata.generation,
    replicas: n,
    updatedReplicas: n,
    readyReplicas: Math.min(before.readyReplicas ?? 0, n),
    availableReplicas: available,
    unavailableReplicas: n - available,
    conditions,
  }
}

export const isNeverReady = (sb: SandboxCore, d: StoredObject) => sb.config.neverReady.includes(`${d.metadata.namespace}/${d.metadata.name}`)

/** When the running rollout of `d` finishes (ready, or deadline exceeded), or null if none runs. */
export function rolloutDueAt(sb: SandboxCore, d: StoredObject): number | null {
  const p = cond(d, 'Progressing')
  if (!p || p.status !== 'True' || p.reason === 'NewReplicaSetAvailable') return null
  const started = Date.parse(p.lastUpdateTime)
  return isNeverReady(sb, d) ? started + (spec(d).progressDeadlineSeconds ?? 600) * 1000 : started + sb.config.deploymentReadyDelayMs
}

/** Finishes the rollout of `d` at `now` (mutates `d`; the caller bumps its resourceVersion). */
export function finishRollout(sb: SandboxCore, d: StoredObject, now: number): void {
  const at = kubeTime(now)
  const s = statusOf(d)
  const rs = replicaSetName(d)
  if (isNeverReady(sb, d)) {
    const message = `ReplicaSet "${rs}" has timed out progressing.`
    s.conditions = setCondition(s.conditions ?? [], { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message, lastUpdateTime: at }, at)
    return
  }
  const n = replicasOf(d)
  Object.assign(s, { replicas: n, updatedReplicas: n, readyReplicas: n, availableReplicas: n })
  delete s.unavailableReplicas
  let conditions = setCondition(s.conditions ?? [], { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: at }, at)
  conditions = setCondition(conditions, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs}" has successfully progressed.`, lastUpdateTime: at }, at)
  s.conditions = conditions
  d.status = s
}

/** StatefulSets are reported ready as soon as they are written (no rollout is modelled). */
export function statefulSetReady(d: StoredObject): void {
  const n = replicasOf(d)
  d.status = { observedGeneration: d.metadata.generation, replicas: n, readyReplicas: n, currentReplicas: n, updatedReplicas: n, availableReplicas: n }
}
