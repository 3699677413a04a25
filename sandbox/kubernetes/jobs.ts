/**
 * Jobs on virtual time: a Job starts when it is created (status.active = 1) and completes
 * successfully `JOB_RUN_MS` later; completion is reported to the owning CronJob
 * (status.active, status.lastSuccessfulTime) as the real Job and CronJob controllers do, which
 * also delete a CronJob's finished Jobs beyond its successfulJobsHistoryLimit (default 3).
 */
import type { StoredObject } from '../estate.js'
import type { Controller, SandboxCore } from '../types.js'
import { kubeTime } from './object-meta.js'

/** Virtual run time of every Job. */
export const JOB_RUN_MS = 30_000

type JobStatus = { active?: number; startTime?: string; completionTime?: string; succeeded?: number; [k: string]: unknown }

const statusOf = (j: StoredObject) => (j.status ?? {}) as JobStatus
const isJob = (o: StoredObject) => o.kind === 'Job' && o.apiVersion === 'batch/v1'

export function startJob(job: StoredObject, now: number): void {
  job.status = { active: 1, startTime: kubeTime(now), ready: 0, terminating: 0, uncountedTerminatedPods: {} }
}

export const isRunning = (job: StoredObject): boolean => (statusOf(job).active ?? 0) > 0

function dueAt(job: StoredObject): number | null {
  const s = statusOf(job)
  return isRunning(job) && s.startTime ? Date.parse(s.startTime) + JOB_RUN_MS : null
}

function complete(sb: SandboxCore, job: StoredObject, now: number): void {
  const at = kubeTime(now)
  const start = statusOf(job).startTime
  job.status = {
    startTime: start,
    completionTime: at,
    succeeded: 1,
    ready: 0,
    terminating: 0,
    uncountedTerminatedPods: {},
    conditions: [
      { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: at, lastTransitionTime: at },
      { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: at, lastTransitionTime: at },
    ],
  }
  job.metadata.resourceVersion = sb.nextResourceVersion()
  const owner = ((job.metadata.ownerReferences as Array<{ kind: string; uid: string }> | undefined) ?? []).find((r) => r.kind === 'CronJob')
  const cj = owner && sb.estate.kubernetes.objects.find((o) => o.kind === 'CronJob' && o.metadata.uid === owner.uid)
  if (!cj) return
  const cs = (cj.status ?? {}) as { active?: Array<{ uid: string }>; lastSuccessfulTime?: string }
  const active = (cs.active ?? []).filter((r) => r.uid !== job.metadata.uid)
  cj.status = { ...cs, lastSuccessfulTime: at }
  if (active.length > 0) (cj.status as typeof cs).active = active
  else delete (cj.status as typeof cs).active
  cj.metadata.resourceVersion = sb.nextResourceVersion()
  pruneHistory(sb, cj)
}

/** Keeps the newest `spec.successfulJobsHistoryLimit` (default 3) finished Jobs of a CronJob, as the real controller does. */
function pruneHistory(sb: SandboxCore, cj: StoredObject): void {
  const limit = Number((cj.spec as { successfulJobsHistoryLimit?: number } | undefined)?.successfulJobsHistoryLimit ?? 3)
  const done = sb.estate.kubernetes.objects
    .filter((o) => isJob(o) && statusOf(o).succeeded && ((o.metadata.ownerReferences as Array<{ uid: string }> | undefined) ?? []).some((r) => r.uid === cj.metadata.uid))
    .sort((a, b) => Date.parse(statusOf(a).startTime ?? '') - Date.parse(statusOf(b).startTime ?? ''))
  const drop = new Set(done.slice(0, Math.max(0, done.length - limit)))
  if (drop.size > 0) sb.estate.kubernetes.objects = sb.estate.kubernetes.objects.filter((o) => !drop.has(o))
}

/** Completes running Jobs when their run time is over. */
export const jobController: Controller = {
  name: 'kubernetes-jobs',
  nextEventAfter(after, sb) {
    let next: number | null = null
    for (const o of sb.estate.kubernetes.objects) {
      if (!isJob(o)) continue
      const due = dueAt(o)
      if (due === null) continue
      const t = Math.max(due, after + 1)
      if (next === null || t < next) next = t
    }
    return next
  },
  runAt(t, sb) {
    for (const o of sb.estate.kubernetes.objects) {
      if (!isJob(o)) continue
      const due = dueAt(o)
      if (due !== null && due <= t) complete(sb, o, t)
    }
  },
}
