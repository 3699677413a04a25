/**
 * When is a workload rolled out? The rules of `kubectl rollout status`, as pure functions of the
 * object the API returns, so the k8s.apply step can poll them on any clock.
 */
import type { KubeObject } from '../../runner/clients/kube-types.js'

export type Rollout =
  | { state: 'done' }
  | { state: 'waiting'; message: string }
  | { state: 'failed'; message: string }

type Condition = { type?: string; status?: string; reason?: string; message?: string }

const num = (v: unknown): number => (typeof v === 'number' ? v : 0)

function conditionsOf(obj: KubeObject): Condition[] {
  const status = (obj.status ?? {}) as { conditions?: Condition[] }
  return status.conditions ?? []
}

/** The conditions that explain a wait, e.g. `Available=False (MinimumReplicasUnavailable: ...)`. */
export function conditionSummary(obj: KubeObject): string {
  return conditionsOf(obj)
    .filter((c) => c.status !== 'True' || c.reason === 'ProgressDeadlineExceeded')
    .map((c) => `${c.type}=${c.status} (${c.reason ?? 'no reason'}: ${c.message ?? 'no message'})`)
    .join('; ')
}

export function rolloutStatus(obj: KubeObject): Rollout {
  if (obj.kind === 'Deployment') return deploymentStatus(obj)
  if (obj.kind === 'StatefulSet') return statefulSetStatus(obj)
  return { state: 'done' }
}

function deploymentStatus(obj: KubeObject): Rollout {
  const spec = (obj.spec ?? {}) as { replicas?: number }
  const st = (obj.status ?? {}) as Record<string, unknown>
  const generation = num(obj.metadata.generation)
  if (generation > num(st.observedGeneration)) return { state: 'waiting', message: 'waiting for the deployment spec update to be observed' }
  const progressing = conditionsOf(obj).find((c) => c.type === 'Progressing')
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { state: 'failed', message: `exceeded its progress deadline: ${progressing.message ?? 'no message'}` }
  }
  const replicas = spec.replicas ?? 1
  const updated = num(st.updatedReplicas)
  if (updated < replicas) return { state: 'waiting', message: `${updated} of ${replicas} updated replicas are available` }
  if (num(st.replicas) > updated) return { state: 'waiting', message: `${num(st.replicas) - updated} old replicas are pending termination` }
  const available = num(st.availableReplicas)
  if (available < updated) return { state: 'waiting', message: `${available} of ${updated} updated replicas are available` }
  return { state: 'done' }
}

function statefulSetStatus(obj: KubeObject): Rollout {
  const spec = (obj.spec ?? {}) as { replicas?: number; updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } } }
  const st = (obj.status ?? {}) as Record<string, unknown>
  if (spec.updateStrategy?.type === 'OnDelete') return { state: 'done' }
  const observed = num(st.observedGeneration)
  if (observed === 0 || num(obj.metadata.generation) > observed) return { state: 'waiting', message: 'waiting for the statefulset spec update to be observed' }
  const replicas = spec.replicas ?? 1
  if (num(st.readyReplicas) < replicas) return { state: 'waiting', message: `${num(st.readyReplicas)} of ${replicas} pods are ready` }
  const partition = spec.updateStrategy?.rollingUpdate?.partition ?? 0
  if (partition > 0) {
    if (num(st.updatedReplicas) < replicas - partition) return { state: 'waiting', message: `partitioned roll out: ${num(st.updatedReplicas)} of ${replicas - partition} new pods updated` }
    return { state: 'done' }
  }
  if (st.updateRevision !== st.currentRevision) return { state: 'waiting', message: `${num(st.updatedReplicas)} pods at the update revision` }
  return { state: 'done' }
}

/** True when an Endpoints object has at least one ready address. */
export function endpointsReady(ep: KubeObject): boolean {
  const subsets = (ep.subsets ?? []) as Array<{ addresses?: unknown[] }>
  return subsets.some((s) => (s.addresses ?? []).length > 0)
}
