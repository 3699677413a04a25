/**
 * The CronJob controller, imitating the real one (cronjob_controllerv2) on virtual time.
 * Each CronJob is synced on a 10 s grid, but only at the instants where it has something to do
 * (its next scheduled time, or at once after a missed time became eligible). A sync:
 * - does nothing while `spec.suspend` is true (status.lastScheduleTime is left alone);
 * - takes the earliest time as status.lastScheduleTime, else metadata.creationTimestamp, moved up
 *   to now - startingDeadlineSeconds when a deadline is set;
 * - considers only the most recent scheduled time in (earliest, now]; skips it when it is older
 *   than the deadline; otherwise, subject to concurrencyPolicy (Allow, Forbid, Replace), creates
 *   one Job `<cronjob>-<scheduled unix minutes>` owned by the CronJob and sets lastScheduleTime;
 * - records every launch in the estate's ledger.
 */
import { ECS_JOB_ANNOTATION, type StoredObject } from '../estate.js'
import type { Controller, SandboxCore } from '../types.js'
import { mostRecentMissed, nextFire } from './cron.js'
import { isRunning, startJob } from './jobs.js'
import { kubeTime, stampCreated } from './object-meta.js'
import { zonedRfc3339 } from './zoned-time.js'

/** The real controller's resync period. */
export const SYNC_MS = 10_000
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp'

type CronJobSpec = {
  schedule: string
  timeZone?: string
  suspend?: boolean
  startingDeadlineSeconds?: number
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace'
  jobTemplate?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown }
}
type CronJobStatus = { lastScheduleTime?: string; lastSuccessfulTime?: string; active?: Array<Record<string, unknown>> }

const grid = (t: number) => Math.ceil(t / SYNC_MS) * SYNC_MS
const specOf = (cj: StoredObject) => (cj.spec ?? {}) as CronJobSpec
const statusOf = (cj: StoredObject) => (cj.status ?? {}) as CronJobStatus
const cronJobs = (sb: SandboxCore) => sb.estate.kubernetes.objects.filter((o) => o.kind === 'CronJob' && o.apiVersion === 'batch/v1')

function earliest(cj: StoredObject, now: number): number {
  const s = statusOf(cj)
  const base = Date.parse(s.lastScheduleTime ?? String(cj.metadata.creationTimestamp))
  const d = specOf(cj).startingDeadlineSeconds
  return d === undefined || d === null ? base : Math.max(base, now - d * 1000)
}

function ownedJobs(sb: SandboxCore, cj: StoredObject): StoredObject[] {
  return sb.estate.kubernetes.objects.filter(
    (o) => o.kind === 'Job' && ((o.metadata.ownerReferences as Array<{ uid: string }> | undefined) ?? []).some((r) => r.uid === cj.metadata.uid),
  )
}

function nextSync(cj: StoredObject, after: number): number | null {
  const spec = specOf(cj)
  if (spec.suspend === true || typeof spec.schedule !== 'string') return null
  const first = nextFire(spec.schedule, spec.timeZone, earliest(cj, after))
  if (first === null) return null
  return first > after ? grid(first) : grid(after + 1)
}

function jobFor(cj: StoredObject, scheduled: number): StoredObject {
  const spec = specOf(cj)
  const tmeta = spec.jobTemplate?.metadata ?? {}
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`,
      namespace: cj.metadata.namespace,
      labels: { ...tmeta.labels },
      annotations: { ...tmeta.annotations, [SCHEDULED_TIMESTAMP_ANNOTATION]: zonedRfc3339(scheduled, spec.timeZone) },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name, uid: cj.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone(spec.jobTemplate?.spec ?? {}),
  }
}

function sync(sb: SandboxCore, cj: StoredObject, now: number): void {
  const spec = specOf(cj)
  if (spec.suspend === true) return
  const scheduled = mostRecentMissed(spec.schedule, spec.timeZone, earliest(cj, now), now)
  if (scheduled === null) return
  const d = spec.startingDeadlineSeconds
  if (d !== undefined && d !== null && scheduled + d * 1000 < now) return
  const running = ownedJobs(sb, cj).filter(isRunning)
  if (running.length > 0 && spec.concurrencyPolicy === 'Forbid') return
  const status: CronJobStatus = { ...statusOf(cj) }
  if (running.length > 0 && spec.concurrencyPolicy === 'Replace') {
    const gone = new Set(running.map((j) => j.metadata.uid))
    sb.estate.kubernetes.objects = sb.estate.kubernetes.objects.filter((o) => !gone.has(o.metadata.uid))
    status.active = (status.active ?? []).filter((r) => !gone.has(r.uid))
  }
  const job = jobFor(cj, scheduled)
  const exists = sb.estate.kubernetes.objects.some((o) => o.kind === 'Job' && o.metadata.namespace === job.metadata.namespace && o.metadata.name === job.metadata.name)
  if (!exists) {
    stampCreated(job, sb)
    startJob(job, now)
    sb.estate.kubernetes.objects.push(job)
    const ref = { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, namespace: job.metadata.namespace, uid: job.metadata.uid, resourceVersion: job.metadata.resourceVersion }
    status.active = [...(status.active ?? []), ref]
    const annotations = (cj.metadata.annotations ?? {}) as Record<string, string>
    sb.estate.ledger.push({
      job: annotations[ECS_JOB_ANNOTATION] ?? `${cj.metadata.namespace}/${cj.metadata.name}`,
      scheduledAt: new Date(scheduled).toISOString(),
      launchedAt: new Date(now).toISOString(),
      platform: 'kubernetes',
      source: `${cj.metadata.namespace}/${cj.metadata.name}`,
    })
  }
  if (status.active && status.active.length === 0) delete status.active
  status.lastScheduleTime = kubeTime(scheduled)
  cj.status = status
  cj.metadata.resourceVersion = sb.nextResourceVersion()
}

export const cronJobController: Controller = {
  name: 'kubernetes-cronjobs',
  nextEventAfter(after, sb) {
    let next: number | null = null
    for (const cj of cronJobs(sb)) {
      const t = nextSync(cj, after)
      if (t !== null && (next === null || t < next)) next = t
    }
    return next
  },
  runAt(t, sb) {
    for (const cj of cronJobs(sb)) sync(sb, cj, t)
  },
}
