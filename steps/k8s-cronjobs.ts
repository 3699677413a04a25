/**
 * `k8s.cronjobs`: suspend or resume the CronJobs of a namespace (by label selector or names).
 * Resuming hands the schedule over from ECS exactly once (steps/kube/handover.ts): the gap since
 * the ECS counterpart was disabled is computed from the CronJob's schedule and time zone, the most
 * recent gap time is caught up once (or, with `catchUp: none`, not at all), and a time ECS already
 * ran never runs again. The gap and the times caught up or skipped are journaled as facts.
 *
 * Item state: `{suspend, startingDeadlineSeconds}` (null when absent). The deadline is changed
 * only while the controller acts and is back to its original value when the item is reported
 * applied. `status.lastScheduleTime` is written by the handover but is not part of the item state:
 * the controller moves it on its own, so it cannot be compared for drift, and rollback suspends the
 * CronJob, which makes it irrelevant until the next handover sets it again.
 */
import { z } from 'zod'
import type { ApplyContext, Change, Note, Observed, StepContext, StepType } from '../runner/contract.js'
import type { KubeObject, KubeRef } from '../runner/clients/kube-types.js'
import { sameState } from '../runner/canonical.js'
import { planHandover, type Handover } from './kube/handover.js'
import { itemKey, refOfKey } from './kube/objects.js'
import { StepError, messageOf } from './step-error.js'

const TYPE = 'k8s.cronjobs'
/** Annotation naming a CronJob's ECS counterpart (an EventBridge rule's or schedule's Name). */
export const ECS_JOB_ANNOTATION = 'switchover.dev/ecs-job'
/** One controller sync is about 10 s; poll at this pace while waiting for it. */
const SYNC_MS = 15_000
/** How long the controller gets to start a caught-up run; also the slack of the temporary deadline. */
const GRACE_S = 120

export const k8sCronjobsParams = z
  .object({
    action: z.enum(['suspend', 'resume']),
    namespace: z.string().min(1),
    selector: z.string().min(1).optional(),
    names: z.array(z.string().min(1)).min(1).optional(),
    catchUp: z.enum(['gap', 'none']).default('gap'),
    disabledAt: z.iso.datetime({ offset: true, error: 'an ISO time such as 2026-03-02T02:30:00Z' }).optional(),
    counterparts: z.record(z.string(), z.string()).optional(),
  })
  .strict()

export type K8sCronjobsParams = z.infer<typeof k8sCronjobsParams>
export type CronJobState = { suspend: boolean; startingDeadlineSeconds: number | null }

export class CronJobsNotFound extends StepError {}
export class CronJobWriteFailed extends StepError {}
export class CatchUpNotStarted extends StepError {}

const cronRef = (namespace: string, name: string): KubeRef => ({ apiVersion: 'batch/v1', kind: 'CronJob', namespace, name })
const specOf = (cj: KubeObject) => (cj.spec ?? {}) as { suspend?: boolean; startingDeadlineSeconds?: number; schedule: string; timeZone?: string }

export function cronJobState(cj: KubeObject): CronJobState {
  const s = specOf(cj)
  return { suspend: s.suspend === true, startingDeadlineSeconds: typeof s.startingDeadlineSeconds === 'number' ? s.startingDeadlineSeconds : null }
}

/** The ECS job a CronJob takes over: `counterparts` first, then its annotation. */
function counterpartOf(p: K8sCronjobsParams, cj: KubeObject): string | undefined {
  return p.counterparts?.[cj.metadata.name] ?? cj.metadata.annotations?.[ECS_JOB_ANNOTATION]
}

/** When the counterpart was disabled: the latest fact of this run, else the playbook's time. */
function disabledAtOf(ctx: StepContext, p: K8sCronjobsParams, cj: KubeObject): number | null {
  const job = counterpartOf(p, cj)
  const times = ctx
    .facts('ecs.scheduled-task-disabled')
    .filter((f) => job !== undefined && f.data.job === job)
    .map((f) => Number(f.data.disabledAt))
    .filter((t) => Number.isFinite(t))
  if (times.length > 0) return Math.max(...times)
  return p.disabledAt ? Date.parse(p.disabledAt) : null
}

function handoverOf(ctx: StepContext, p: K8sCronjobsParams, cj: KubeObject, now: number): Handover {
  const status = (cj.status ?? {}) as { lastScheduleTime?: string }
  const spec = specOf(cj)
  return planHandover(
    {
      schedule: spec.schedule,
      timeZone: spec.timeZone,
      creationTimestamp: Date.parse(String(cj.metadata.creationTimestamp ?? new Date(now).toISOString())),
      lastScheduleTime: status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : undefined,
    },
    disabledAtOf(ctx, p, cj),
    p.catchUp,
    now,
    GRACE_S,
  )
}

const iso = (t: number) => new Date(t).toISOString()

function describeHandover(name: string, h: Handover, disabledAt: number | null): string {
  const gap = disabledAt === null ? 'no ECS disable time' : `gap after ${iso(disabledAt)}: ${h.gapCount} scheduled time(s)`
  const caught = h.catchUp !== null ? `; catching up ${iso(h.catchUp)} once` : '; nothing caught up'
  const skipped = h.skipped.length > 0 ? `; skipped ${h.skipped.map(iso).join(', ')}` : ''
  return `${name}: ${gap}${caught}${skipped}${h.reason ? ` (${h.reason})` : ''}`
}

/** The CronJobs observed, kept off the JSON (symbol-keyed) for plan notes. */
const SEEN = Symbol('k8s.cronjobs objects')
type SeenObserved = Observed & { [SEEN]?: KubeObject[] }

export const k8sCronjobs: StepType<K8sCronjobsParams> = {
  type: TYPE,
  description:
    'Suspend or resume the CronJobs of a namespace, chosen by label selector or names. Resuming hands each schedule over ' +
    'from its ECS counterpart (annotation switchover.dev/ecs-job or counterparts) exactly once: of the scheduled times since ' +
    'ECS was disabled, only the most recent runs (catchUp: gap) or none does (catchUp: none), and a time ECS already ran ' +
    'never runs again. It uses the fields the CronJob controller honours (startingDeadlineSeconds, restored afterwards, and ' +
    'status.lastScheduleTime) and journals the gap and the times caught up or skipped. Rollback suspends again and restores ' +
    'every field it touched.',
  params: k8sCronjobsParams,

  async observe(ctx: StepContext, p: K8sCronjobsParams, keys?: string[]): Promise<Observed> {
    const out: SeenObserved = {}
    if (keys) {
      for (const key of keys) {
        const cj = await ctx.kube.get(refOfKey(key))
        out[key] = cj ? cronJobState(cj) : null
      }
      return out
    }
    let found = await ctx.kube.list('batch/v1', 'CronJob', { namespace: p.namespace, labelSelector: p.selector })
    if (p.names) {
      const missing = p.names.filter((n) => !found.some((cj) => cj.metadata.name === n))
      if (missing.length > 0) {
        throw new CronJobsNotFound(TYPE, 'observe', `no CronJob ${missing.join(', ')} in namespace ${p.namespace}${p.selector ? ` matching ${p.selector}` : ''}`,
          'Deploy them first (k8s.apply) or fix names / selector')
      }
      found = found.filter((cj) => p.names!.includes(cj.metadata.name))
    }
    for (const cj of found) out[itemKey(cronRef(p.namespace, cj.metadata.name))] = cronJobState(cj)
    out[SEEN] = found
    return out
  },

  diff(p: K8sCronjobsParams, now: Observed): Change[] {
    const changes: Change[] = []
    for (const [key, state] of Object.entries(now)) {
      if (state === null) continue
      const before = state as CronJobState
      const after: CronJobState = { ...before, suspend: p.action === 'suspend' }
      if (sameState(before, after)) continue
      changes.push({ key, before, after, summary: `${p.action} CronJob ${refOfKey(key).namespace}/${refOfKey(key).name}` })
    }
    return changes
  },

  notes(ctx: StepContext, p: K8sCronjobsParams, now: Observed, changes: Change[]): Note[] {
    if (p.action !== 'resume') return []
    const seen = (now as SeenObserved)[SEEN] ?? []
    const at = ctx.clock.now()
    return changes.flatMap((c) => {
      const cj = seen.find((o) => itemKey(cronRef(p.namespace, o.metadata.name)) === c.key)
      if (!cj) return []
      const disabledAt = disabledAtOf(ctx, p, cj)
      const message = `if resumed now: ${describeHandover(cj.metadata.name, handoverOf(ctx, p, cj, at), disabledAt)}`
      return [{ level: disabledAt === null ? ('warn' as const) : ('info' as const), message: disabledAt === null ? `${message}; the time comes from the ECS step at run time, or give disabledAt` : message }]
    })
  },

  async apply(ctx: ApplyContext, p: K8sCronjobsParams, changes: Change[]): Promise<void> {
    const resumes = changes.filter((c) => (c.after as CronJobState).suspend === false && (c.before as CronJobState | null)?.suspend !== false)
    await writeStates(ctx, changes.filter((c) => !resumes.includes(c)), 'apply')
    if (resumes.length > 0) await handOver(ctx, p, resumes)
  },

  applyRestore: (ctx, _p, changes) => writeStates(ctx, changes, 'restore'),
  inverse: (p) => ({ type: TYPE, with: p as Record<string, unknown> }),
}

async function patch(ctx: ApplyContext, phase: 'apply' | 'restore', ref: KubeRef, body: unknown, subresource?: 'status'): Promise<void> {
  try {
    await ctx.kube.patch(ref, body, 'merge', subresource ? { subresource } : {})
  } catch (e) {
    throw new CronJobWriteFailed(TYPE, phase, `writing CronJob ${ref.namespace}/${ref.name}${subresource ? ' status' : ''} failed: ${messageOf(e)}`,
      'Check that the runner may patch cronjobs (and cronjobs/status), then run again', e)
  }
}

/** Suspends, and restores, write the journaled fields as they are. */
async function writeStates(ctx: ApplyContext, changes: Change[], phase: 'apply' | 'restore'): Promise<void> {
  for (const c of changes) {
    if (c.after === null) continue // the step never creates or deletes CronJobs
    const s = c.after as CronJobState
    await patch(ctx, phase, refOfKey(c.key), { spec: { suspend: s.suspend, startingDeadlineSeconds: s.startingDeadlineSeconds } })
    await ctx.applied([c.key])
  }
}

/** Mark, unsuspend with a temporary deadline, let the controller act, restore the deadline. */
async function handOver(ctx: ApplyContext, p: K8sCronjobsParams, resumes: Change[]): Promise<void> {
  const now = ctx.clock.now()
  const pending: Array<{ change: Change; ref: KubeRef; cj: KubeObject; h: Handover }> = []
  for (const change of resumes) {
    const ref = refOfKey(change.key)
    const cj = await ctx.kube.get(ref)
    if (!cj) throw new CronJobsNotFound(TYPE, 'apply', `CronJob ${ref.namespace}/${ref.name} disappeared`, 'Deploy it again and rerun')
    const h = handoverOf(ctx, p, cj, now)
    if (h.markLastScheduleTime !== null) await patch(ctx, 'apply', ref, { status: { lastScheduleTime: iso(h.markLastScheduleTime).replace(/\.\d{3}Z$/, 'Z') } }, 'status')
    await patch(ctx, 'apply', ref, { spec: { suspend: false, startingDeadlineSeconds: h.deadlineSeconds } })
    pending.push({ change, ref, cj, h })
  }
  const started = new Set<string>()
  const deadline = ctx.clock.now() + GRACE_S * 1000
  for (;;) {
    await ctx.wait(SYNC_MS, `letting the CronJob controller act on ${pending.length} resumed CronJob(s)`)
    for (const { ref, h } of pending) {
      if (h.catchUp === null || started.has(ref.name)) continue
      const cj = await ctx.kube.get(ref)
      const last = (cj?.status as { lastScheduleTime?: string } | undefined)?.lastScheduleTime
      if (last && Date.parse(last) >= h.catchUp) started.add(ref.name)
    }
    if (pending.every(({ ref, h }) => h.catchUp === null || started.has(ref.name)) || ctx.clock.now() >= deadline) break
  }
  const late: string[] = []
  for (const { change, ref, cj, h } of pending) {
    if (h.catchUp !== null && !started.has(ref.name)) {
      late.push(`${ref.name} (${iso(h.catchUp)})`)
      continue // left for the rollback: suspended again with its original deadline
    }
    const original = (change.after as CronJobState).startingDeadlineSeconds
    await patch(ctx, 'apply', ref, { spec: { startingDeadlineSeconds: original } })
    await ctx.applied([change.key])
    const disabledAt = disabledAtOf(ctx, p, cj)
    await ctx.fact('k8s.cronjob-resumed', {
      namespace: ref.namespace, cronjob: ref.name, job: counterpartOf(p, cj) ?? null, schedule: specOf(cj).schedule,
      timeZone: specOf(cj).timeZone ?? null, catchUp: p.catchUp, disabledAt: disabledAt === null ? null : iso(disabledAt),
      resumedAt: iso(now), gap: h.gap.map(iso), gapCount: h.gapCount, caughtUp: h.catchUp === null ? null : iso(h.catchUp),
      skipped: h.skipped.map(iso), ...(h.reason ? { reason: h.reason } : {}),
    })
    ctx.log(describeHandover(ref.name, h, disabledAt))
  }
  if (late.length > 0) {
    throw new CatchUpNotStarted(TYPE, 'apply', `the CronJob controller did not start the caught-up run of ${late.join(', ')} within ${GRACE_S} s`,
      'Check that the CronJob controller runs (kube-controller-manager) and rerun the step')
  }
}
