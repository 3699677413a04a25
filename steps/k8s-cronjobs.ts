/**
 * `k8s.cronjobs`: suspend or resume the CronJobs of a namespace (by label selector or names).
 * Resuming hands the schedule over from ECS exactly once (steps/kube/handover.ts): the gap since
 * the ECS counterpart was disabled is computed from the CronJob's schedule and time zone, the most
 * recent gap time is caught up once (or, with `catchUp: none`, not at all), and a time ECS already
 * ran never runs again. The gap and the times caught up or skipped are journaled as facts.
 *
 * Item state: `{suspend, startingDeadlineSeconds}` (null when absent), plus `handover` (the marker
 * of steps/kube/handover-mark.ts) while a handover is unfinished. The temporary deadline and the
 * marker are written in one patch, declared first as an intermediate state (so a rollback takes
 * it as the run's own), and removed in one patch with the original deadline back before the item
 * is reported applied. A CronJob observed with a marker is a change still to make: a rerun after a
 * crash finishes the handover the marker describes; a rollback drops the marker and suspends.
 * `status.lastScheduleTime` is written by the handover but is not part of the item state:
 * the controller moves it on its own, so it cannot be compared for drift, and rollback suspends the
 * CronJob, which makes it irrelevant until the next handover sets it again.
 */
import * as z from 'zod'
import type { ApplyContext, Change, Note, Observed, StepContext, StepType } from '../runner/contract.js'
import type { KubeObject, KubeRef } from '../runner/clients/kube-types.js'
import { sameState } from '../runner/canonical.js'
import { planHandover, recordedHandover, type Handover } from './kube/handover.js'
import { beginBody, markOf, specBody, type HandoverMark } from './kube/handover-mark.js'
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
export type CronJobState = { suspend: boolean; startingDeadlineSeconds: number | null; handover?: HandoverMark }

export class CronJobsNotFound extends StepError {}
export class CronJobWriteFailed extends StepError {}
export class CatchUpNotStarted extends StepError {}

const cronRef = (namespace: string, name: string): KubeRef => ({ apiVersion: 'batch/v1', kind: 'CronJob', namespace, name })
const specOf = (cj: KubeObject) => (cj.spec ?? {}) as { suspend?: boolean; startingDeadlineSeconds?: number; schedule: string; timeZone?: string }

/** Observed CronJobs by the state observe made of them, so apply needs no second read. */
const objectOf = new WeakMap<object, KubeObject>()

export function cronJobState(cj: KubeObject): CronJobState {
  const s = specOf(cj)
  const mark = markOf(cj)
  const state: CronJobState = { suspend: s.suspend === true, startingDeadlineSeconds: typeof s.startingDeadlineSeconds === 'number' ? s.startingDeadlineSeconds : null, ...(mark ? { handover: mark } : {}) }
  objectOf.set(state, cj)
  return state
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
      // One LIST of the step's own selection answers for several keys at once; a key it does not
      // show (deleted, or relabeled since) is read on its own, to tell the two apart.
      const listed = keys.length > 1 ? await ctx.kube.list('batch/v1', 'CronJob', { namespace: p.namespace, labelSelector: p.selector }) : []
      const byKey = new Map(listed.map((cj) => [itemKey(cronRef(p.namespace, cj.metadata.name)), cj]))
      for (const key of keys) {
        const cj = byKey.get(key) ?? (await ctx.kube.get(refOfKey(key)))
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
      // An unfinished handover counts as not done: its own deadline comes back, its marker goes.
      const after: CronJobState = { suspend: p.action === 'suspend', startingDeadlineSeconds: before.handover ? before.handover.startingDeadlineSeconds : before.startingDeadlineSeconds }
      if (sameState(before, after)) continue
      const { namespace, name } = refOfKey(key)
      const what = before.handover && !after.suspend ? `finish the interrupted handover of CronJob` : `${p.action} CronJob`
      changes.push({ key, before, after, summary: `${what} ${namespace}/${name}` })
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
      const mark = (c.before as CronJobState | null)?.handover
      if (mark) return [{ level: 'info' as const, message: `finishing: ${describeHandover(cj.metadata.name, markedHandover(p, cj, mark, disabledAt), disabledAt)}` }]
      const message = `if resumed at ${iso(at)}: ${describeHandover(cj.metadata.name, handoverOf(ctx, p, cj, at), disabledAt)}`
      return [{ level: disabledAt === null ? ('warn' as const) : ('info' as const), message: disabledAt === null ? `${message}; the time comes from the ECS step at run time, or give disabledAt` : message }]
    })
  },

  async apply(ctx: ApplyContext, p: K8sCronjobsParams, changes: Change[]): Promise<void> {
    const resuming = (c: Change) => (c.after as CronJobState).suspend === false
    const unfinished = changes.filter((c) => resuming(c) && (c.before as CronJobState | null)?.handover !== undefined)
    const resumes = changes.filter((c) => resuming(c) && !unfinished.includes(c) && (c.before as CronJobState | null)?.suspend !== false)
    await writeStates(ctx, changes.filter((c) => !resumes.includes(c) && !unfinished.includes(c)), 'apply')
    if (resumes.length > 0 || unfinished.length > 0) await handOver(ctx, p, resumes, unfinished)
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
    const marked = (c.before as CronJobState | null)?.handover !== undefined
    await patch(ctx, phase, refOfKey(c.key), specBody({ suspend: s.suspend, startingDeadlineSeconds: s.startingDeadlineSeconds }, marked))
    await ctx.applied([c.key])
  }
}

/** The handover a marker describes, as decided when it began. */
function markedHandover(p: K8sCronjobsParams, cj: KubeObject, mark: HandoverMark, disabledAt: number | null): Handover {
  const spec = specOf(cj)
  const deadline = typeof spec.startingDeadlineSeconds === 'number' ? spec.startingDeadlineSeconds : 0
  return recordedHandover(spec, disabledAt, Date.parse(mark.resumedAt), mark.catchUp === null ? null : Date.parse(mark.catchUp), p.catchUp, deadline)
}

type Pending = { change: Change; ref: KubeRef; cj: KubeObject; mark: HandoverMark; h: Handover }

/** The CronJob observe read for this change, or a fresh read when there is none. */
async function objectFor(ctx: ApplyContext, change: Change): Promise<KubeObject> {
  const seen = change.before !== null && typeof change.before === 'object' ? objectOf.get(change.before) : undefined
  const ref = refOfKey(change.key)
  const cj = seen ?? (await ctx.kube.get(ref))
  if (!cj) throw new CronJobsNotFound(TYPE, 'apply', `CronJob ${ref.namespace}/${ref.name} disappeared`, 'Deploy it again and rerun')
  return cj
}

/**
 * Begin the handover of `resumes` (declare the temporary state, mark, unsuspend with the temporary
 * deadline and the marker), finish it for them and for `unfinished` (begun by a runner that died):
 * let the controller start each caught-up time, journal the outcome, then put the original
 * deadline back and drop the marker in one patch.
 */
async function handOver(ctx: ApplyContext, p: K8sCronjobsParams, resumes: Change[], unfinished: Change[]): Promise<void> {
  const now = ctx.clock.now()
  const pending: Pending[] = []
  for (const change of resumes) {
    const cj = await objectFor(ctx, change)
    const h = handoverOf(ctx, p, cj, now)
    const mark: HandoverMark = { startingDeadlineSeconds: (change.after as CronJobState).startingDeadlineSeconds, catchUp: h.catchUp === null ? null : iso(h.catchUp), resumedAt: iso(now) }
    pending.push({ change, ref: refOfKey(change.key), cj, mark, h })
  }
  await ctx.intermediate(pending.map(({ change, mark, h }) => ({ key: change.key, state: { suspend: false, startingDeadlineSeconds: h.deadlineSeconds, handover: mark } })))
  for (const { ref, mark, h } of pending) {
    if (h.markLastScheduleTime !== null) await patch(ctx, 'apply', ref, { status: { lastScheduleTime: iso(h.markLastScheduleTime).replace(/\.\d{3}Z$/, 'Z') } }, 'status')
    await patch(ctx, 'apply', ref, beginBody(mark, h.deadlineSeconds))
  }
  const begun = pending.length
  for (const change of unfinished) {
    const cj = await objectFor(ctx, change)
    const mark = (change.before as CronJobState).handover!
    pending.push({ change, ref: refOfKey(change.key), cj, mark, h: markedHandover(p, cj, mark, disabledAtOf(ctx, p, cj)) })
  }

  const started = new Set<string>()
  const open = () => pending.filter(({ ref, mark }) => mark.catchUp !== null && !started.has(ref.name))
  const deadline = ctx.clock.now() + GRACE_S * 1000
  // A handover begun now gives the controller a sync first; one found unfinished may be done already.
  for (let round = 0; ; round++) {
    if (begun > 0 || round > 0) await ctx.wait(SYNC_MS, `letting the CronJob controller act on ${pending.length} resumed CronJob(s)`)
    if (open().length > 0) {
      const listed = await ctx.kube.list('batch/v1', 'CronJob', { namespace: p.namespace, labelSelector: p.selector })
      for (const { ref, mark } of open()) {
        const last = (listed.find((o) => o.metadata.name === ref.name)?.status as { lastScheduleTime?: string } | undefined)?.lastScheduleTime
        if (last && Date.parse(last) >= Date.parse(mark.catchUp!)) started.add(ref.name)
      }
    }
    if (open().length === 0 || ctx.clock.now() >= deadline) break
  }
  const late = open()
  const recorded = ctx.facts('k8s.cronjob-resumed')
  for (const { change, ref, cj, mark, h } of pending) {
    if (late.some((l) => l.ref.name === ref.name)) continue // left for the rollback: suspended again with its original deadline
    const disabledAt = disabledAtOf(ctx, p, cj)
    // Journaled before the deadline goes back, so a crash after that write loses no fact; once only.
    if (!recorded.some((f) => f.data.namespace === ref.namespace && f.data.cronjob === ref.name && f.data.resumedAt === mark.resumedAt)) {
      await ctx.fact('k8s.cronjob-resumed', {
        namespace: ref.namespace, cronjob: ref.name, job: counterpartOf(p, cj) ?? null, schedule: specOf(cj).schedule,
        timeZone: specOf(cj).timeZone ?? null, catchUp: p.catchUp, disabledAt: disabledAt === null ? null : iso(disabledAt),
        resumedAt: mark.resumedAt, gap: h.gap.map(iso), gapCount: h.gapCount, caughtUp: mark.catchUp,
        skipped: h.skipped.map(iso), ...(h.reason ? { reason: h.reason } : {}),
      })
    }
    await patch(ctx, 'apply', ref, specBody({ startingDeadlineSeconds: mark.startingDeadlineSeconds }, true))
    await ctx.applied([change.key])
    ctx.log(describeHandover(ref.name, h, disabledAt))
  }
  if (late.length > 0) {
    throw new CatchUpNotStarted(TYPE, 'apply', `the CronJob controller did not start the caught-up run of ${late.map(({ ref, mark }) => `${ref.name} (${mark.catchUp})`).join(', ')} within ${GRACE_S} s`,
      'Check that the CronJob controller runs (kube-controller-manager) and rerun the step: it finishes the handover the CronJob\'s marker describes')
  }
}
