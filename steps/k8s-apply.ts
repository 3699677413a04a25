/**
 * `k8s.apply`: apply a directory of manifests, or a render command's output, with server-side
 * apply under our own field manager, every CronJob forced to `spec.suspend: true`; wait until the
 * Deployments and StatefulSets are rolled out and their Services have ready endpoints.
 *
 * Item state: the live object projected onto the fields the manifest sets (steps/kube/objects.ts
 * says why). The plan's `after` of each object is the server's own answer to a `dryRun=All` apply,
 * projected the same way, so values the API server normalizes (quantities, defaults inside
 * manifest fields) are predicted exactly and a second run finds nothing to change.
 */
import * as z from 'zod'
import type { ApplyContext, Change, Note, Observed, StepContext, StepType } from '../runner/contract.js'
import type { KubeObject } from '../runner/clients/kube-types.js'
import { kubeKey } from '../runner/clients/kube-types.js'
import { sameState } from '../runner/canonical.js'
import { loadManifests } from './kube/manifests.js'
import { applyRank, changedPaths, describeRef, extraPaths, itemKey, project, refOf, refOfKey } from './kube/objects.js'
import { lookup, parsePointer } from './kube/pointer.js'
import { dropBackup, ensureBackup, maskState, maskedIn, maskedStatus, unmask } from './kube/secrets.js'
import { durationMs, waitUntilReady } from './kube/wait.js'
import { StepError, messageOf } from './step-error.js'

const TYPE = 'k8s.apply'

const duration = z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'a duration such as 90s, 5m or 1h')])

export const k8sApplyParams = z
  .object({
    /** Manifest files or directories (one, or a list applied together). */
    path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    render: z.object({ command: z.string().min(1), args: z.array(z.string()).default([]) }).strict().optional(),
    namespace: z.string().min(1).optional(),
    /**
     * JSON pointers of fields to treat like Secret data in every object of the step that has them
     * (e.g. /spec/template/spec/containers/0/env/0/value): masked in every output, backed up in
     * the cluster before a change.
     */
    sensitive: z.array(z.string().refine(isPointer, 'a JSON pointer such as /data/password')).default([]),
    wait: z
      .union([z.literal(false), z.object({ timeout: duration.default('5m'), interval: duration.default('5s') }).strict()])
      .default({ timeout: '5m', interval: '5s' }),
  })
  .strict()
  .refine((p) => (p.path ? 1 : 0) + (p.render ? 1 : 0) === 1, 'give either path (manifest files or directories) or render (a command), not both')

export type K8sApplyParams = z.infer<typeof k8sApplyParams>

function isPointer(s: string): boolean {
  try {
    return parsePointer(s).length > 0
  } catch {
    return false
  }
}

/** What observe learned beyond item states (kept off the JSON: a symbol-keyed member). */
const PLAN = Symbol('k8s.apply plan')
type Plan = { desired: KubeObject[]; predicted: Map<string, unknown>; dryRunFailures: string[] }
type PlannedObserved = Observed & { [PLAN]?: Plan }

export class ApplyFailed extends StepError {}

export const k8sApply: StepType<K8sApplyParams> = {
  type: TYPE,
  description:
    'Apply Kubernetes manifests (a file or directory of YAML, or the output of a render command such as helm template) with ' +
    'server-side apply under the field manager "switchover", every CronJob created suspended. The plan is the server\'s own ' +
    'dryRun=All answer, shown per object as created, changed fields or unchanged. Waits until every Deployment and StatefulSet ' +
    'is rolled out (kubectl rollout status rules) and their Services have ready endpoints. Rollback deletes what the step ' +
    'created and puts back the fields it changed. The same object (API group, kind, namespace, name) twice in the manifests, ' +
    'in one file or across the list, is refused at plan time, naming both places.',
  params: k8sApplyParams,

  async observe(ctx: StepContext, p: K8sApplyParams, keys?: string[]): Promise<Observed> {
    const desired = await loadManifests(ctx, p)
    const byKey = new Map(desired.map((m) => [itemKey(refOf(m)), m]))
    const out: PlannedObserved = {}
    for (const key of keys ?? [...byKey.keys()]) {
      const live = await ctx.kube.get(refOfKey(key))
      if (!keys) keepLiveSuspend(byKey.get(key), live)
      // A key whose manifest left the source since the run has no shape to project on: whole object.
      out[key] = live ? maskState(key, project(live, byKey.get(key) ?? live), p.sensitive) : null
    }
    if (keys) return out
    const plan: Plan = { desired, predicted: new Map(), dryRunFailures: [] }
    for (const m of [...desired].sort((a, b) => applyRank(a.kind) - applyRank(b.kind))) {
      try {
        const answer = await ctx.kube.apply(m, { dryRun: true, force: true })
        plan.predicted.set(itemKey(refOf(m)), maskState(itemKey(refOf(m)), project(answer, m), p.sensitive))
      } catch (e) {
        // Objects in a namespace the same manifests create cannot be dry-run before it exists.
        plan.dryRunFailures.push(`${describeRef(refOf(m))}: ${messageOf(e)}`)
      }
    }
    out[PLAN] = plan
    return out
  },

  diff(p: K8sApplyParams, now: Observed): Change[] {
    const plan = planOf(now)
    const changes: Change[] = []
    for (const m of plan.desired) {
      const key = itemKey(refOf(m))
      const before = now[key] ?? null
      const after = plan.predicted.get(key) ?? maskState(key, project(m, m), p.sensitive)
      if (sameState(before, after)) continue
      changes.push({ key, before, after, summary: summarize(m, before, after) })
    }
    return changes
  },

  notes(_ctx: StepContext, _p: K8sApplyParams, now: Observed, changes: Change[]): Note[] {
    const plan = (now as PlannedObserved)[PLAN]
    if (!plan) return []
    const changed = new Set(changes.map((c) => c.key))
    const unchanged = plan.desired.filter((m) => !changed.has(itemKey(refOf(m)))).map((m) => describeRef(refOf(m)))
    const notes: Note[] = plan.dryRunFailures.map((f) => ({ level: 'warn' as const, message: `server dry run refused ${f}` }))
    if (unchanged.length > 0) notes.push({ level: 'info', message: `unchanged: ${unchanged.join(', ')}` })
    return notes
  },

  async apply(ctx: ApplyContext, p: K8sApplyParams, changes: Change[]): Promise<void> {
    const desired = await loadManifests(ctx, p)
    const written = await writeStates(ctx, changes, 'apply', new Map(desired.map((m) => [itemKey(refOf(m)), m])))
    await waitForRollouts(ctx, p, desired, written)
  },

  /** A run that died after its last apply call but before the wait: the rollouts are still waited for. */
  async settle(ctx: ApplyContext, p: K8sApplyParams): Promise<void> {
    await waitForRollouts(ctx, p, await loadManifests(ctx, p))
  },

  async applyRestore(ctx: ApplyContext, _p: K8sApplyParams, changes: Change[]): Promise<void> {
    await writeStates(ctx, changes, 'restore', new Map())
    // The values are back in place: this run's backups of them have done their work.
    for (const c of changes) if (maskedIn(c.after).length > 0) await guarded('restore', c, () => dropBackup(ctx, c.key))
  },

  inverse: (p) => ({ type: TYPE, with: p as Record<string, unknown> }),
}

function planOf(now: Observed): Plan {
  const plan = (now as PlannedObserved)[PLAN]
  if (!plan) throw new ApplyFailed(TYPE, 'diff', 'the observed state carries no manifests', 'Pass diff the value observe returned, unchanged')
  return plan
}

/** Every Deployment and StatefulSet of the manifests rolled out, every Service with a selector with ready endpoints. */
/** `written`: the answers of the writes just made, the first look at what they wrote (none in a settle). */
async function waitForRollouts(ctx: ApplyContext, p: K8sApplyParams, desired: KubeObject[], written?: Map<string, KubeObject>): Promise<void> {
  if (p.wait === false) return
  const workloads = desired.filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet').map(refOf)
  const services = desired.filter((m) => m.kind === 'Service' && hasSelector(m)).map(refOf)
  await waitUntilReady(ctx, { workloads, services, written }, durationMs(p.wait.timeout), durationMs(p.wait.interval))
}

/**
 * Deletes (after = null) in reverse apply order, then server-side applies in apply order. A state
 * with masked values is never written as it is: forward, the manifest is applied (after the
 * object's sensitive values are backed up); in a restore, the values come back from the backup.
 */
async function writeStates(ctx: ApplyContext, changes: Change[], phase: 'apply' | 'restore', manifests: Map<string, KubeObject>): Promise<Map<string, KubeObject>> {
  // By kubeKey: each written object as the server's answer to the last write of it left it.
  const written = new Map<string, KubeObject>()
  const rank = (c: Change) => applyRank(refOfKey(c.key).kind)
  const deletes = changes.filter((c) => c.after === null).sort((a, b) => rank(b) - rank(a))
  const applies = changes.filter((c) => c.after !== null).sort((a, b) => rank(a) - rank(b))
  for (const c of deletes) {
    await guarded(phase, c, () => ctx.kube.delete(refOfKey(c.key)))
    await ctx.applied([c.key])
  }
  for (const c of applies) {
    let obj = c.after as KubeObject
    if (phase === 'apply') {
      await ensureBackup(ctx, TYPE, c.key, c.before)
      if (maskedIn(c.after).length > 0) obj = manifests.get(c.key) ?? obj
    } else {
      obj = (await unmask(ctx, TYPE, c.key, c.after)) as KubeObject
    }
    if (maskedIn(obj).length > 0) throw new ApplyFailed(TYPE, phase, `${c.summary}: no values to write for its masked fields`, 'Keep the object in the manifests of the step')
    written.set(kubeKey(refOfKey(c.key)), await guarded(phase, c, () => ctx.kube.apply(obj, { force: true })))
    // The server prunes fields our manager stopped applying, but may leave emptied parents behind:
    // remove what the step added outright, so that absent stays absent.
    const extra = c.before === null ? [] : extraPaths(c.before, c.after)
    if (extra.length > 0) {
      const live = await guarded(phase, c, () => ctx.kube.get(refOfKey(c.key)))
      const ops = extra.filter((p) => lookup(live, p).found).sort().reverse().map((path) => ({ op: 'remove', path }))
      if (ops.length > 0) written.set(kubeKey(refOfKey(c.key)), await guarded(phase, c, () => ctx.kube.patch(refOfKey(c.key), ops, 'json')))
    }
    await ctx.applied([c.key])
  }
  return written
}

async function guarded<T>(phase: 'apply' | 'restore', c: Change, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (e) {
    throw new ApplyFailed(TYPE, phase, `${c.summary} failed: ${messageOf(e)}`, 'Fix the cause (permissions, invalid manifest) and run again', e)
  }
}

function summarize(m: KubeObject, before: unknown, after: unknown): string {
  const what = describeRef(refOf(m))
  if (before === null) return `create ${what}`
  const paths = changedPaths(before, after).map((p) => maskedStatus(p, before, after))
  const shown = paths.slice(0, 4).join(', ') + (paths.length > 4 ? ` and ${paths.length - 4} more` : '')
  return `update ${what}: ${shown}`
}

/**
 * A CronJob is created suspended; once it exists, suspending and resuming it is k8s.cronjobs'
 * business. Re-applying the manifests (a second run, a resumed run) keeps the live value, or it
 * would suspend resumed CronJobs again and make the resume step hand them over a second time.
 */
function keepLiveSuspend(manifest: KubeObject | undefined, live: KubeObject | null): void {
  if (!manifest || !live || manifest.kind !== 'CronJob') return
  const suspend = (live.spec as { suspend?: boolean } | undefined)?.suspend === true
  manifest.spec = { ...(manifest.spec as Record<string, unknown>), suspend } as KubeObject['spec']
}

function hasSelector(svc: KubeObject): boolean {
  const spec = (svc.spec ?? {}) as { selector?: Record<string, string>; type?: string }
  return spec.type !== 'ExternalName' && Object.keys(spec.selector ?? {}).length > 0
}
