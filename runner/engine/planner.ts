/**
 * The planner shared by `plan`, `run --dry-run` and the preflight of `run`: observe + diff (+
 * notes) for every selected step with read-only clients, never an apply. Each step is planned as
 * the run would find it after the steps before it:
 * - item states an earlier step plans are laid over a later step's observation of the same key,
 *   when both step types hold the same kind of state (`itemStates`);
 * - Kubernetes objects an earlier step's dry-run writes would create or change are seen by later
 *   reads (plan-kube.ts);
 * - the same AWS read is made once per plan (plan-aws.ts): nothing writes in between;
 * - facts an earlier step would journal (`planned`) are in `ctx.facts`, and the clock a later step
 *   sees has moved on by the waits planned before it (the TTL gate), so the notes say when.
 */
import type { Change, Fact, Note, RunOptions, StepType } from '../contract.js'
import type { Clock } from '../clock.js'
import { canonicalJson, sameState } from '../canonical.js'
import { messageOf } from '../errors.js'
import { ClientPool } from './clients.js'
import { targetedType, targetOf } from './targets.js'
import { stepContext, type ContextBase } from './context.js'
import { memoizedReads } from './plan-aws.js'
import { PlannedObjects } from './plan-kube.js'
import type { FoundRun } from './runs.js'
import type { ClientFactories, ResolvedStep } from './types.js'

export type StepPlan = {
  step: string
  type: string
  skipped?: string
  changes: Change[]
  notes: Note[]
  irreversible?: string
  error?: string
}

export type PlanScope = {
  registry: ReadonlyMap<string, StepType>
  clients: ClientFactories
  clock: Clock
  options: RunOptions & { from?: string; only?: string }
  /** Facts journaled by the run being resumed (empty for a new run). */
  facts: readonly Fact[]
  /** The run a rollback playbook restores, and the playbook it names. */
  source?: FoundRun
  rollbackOf?: string
  /** Why a step is left out besides the selection (a resumed run's finished steps). */
  finished?: (step: string) => string | undefined
  onSkipped?: (step: string, reason: string) => void
  onPlanned?: (plan: StepPlan) => void
  onError?: (plan: StepPlan) => void
}

/** Why `step` is not run with these options, or undefined. */
export function selectionSkip(step: ResolvedStep, reached: boolean, opts: { from?: string; only?: string }): string | undefined {
  if (!reached) return `before --from ${opts.from}`
  if (opts.only !== undefined && step.id !== opts.only) return `not --only ${opts.only}`
  return step.when ? undefined : 'its `when` is false'
}

/** A clock that reads `offset` ms ahead of `inner`: the time a planned step would start at. */
function planClock(inner: Clock): Clock & { advance(ms: number): void } {
  let offset = 0
  return {
    virtual: inner.virtual,
    now: () => inner.now() + offset,
    sleep: (ms, signal) => inner.sleep(ms, signal),
    advance: (ms) => void (offset += Math.max(0, ms)),
  }
}

export async function planSteps(steps: readonly ResolvedStep[], scope: PlanScope): Promise<StepPlan[]> {
  // One overlay per cluster: an object planned in one cluster is not seen in another.
  const perCluster = new Map<string, PlannedObjects>()
  const objectsOf = (target: string | undefined) => {
    let o = perCluster.get(target ?? '')
    if (!o) perCluster.set(target ?? '', (o = new PlannedObjects()))
    return o
  }
  const objects = { commit: () => perCluster.forEach((o) => o.commit()), discard: () => perCluster.forEach((o) => o.discard()) }
  const { kube, aws } = scope.clients
  const clock = planClock(scope.clock)
  const clients: ClientFactories = {
    ...scope.clients,
    ...(kube ? { kube: async (o) => objectsOf(o.target).wrap(await kube(o)) } : {}),
    ...(aws ? { aws: async (o) => memoizedReads(await aws(o)) } : {}),
  }
  const base: ContextBase = {
    pool: new ClientPool(clients, true),
    clock,
    options: scope.options,
    facts: [...scope.facts],
    emit: () => {},
    approve: async () => false,
  }
  // key -> the state an earlier planned step leaves it in, and the kind of state it is.
  const simulated = new Map<string, { states: string; state: unknown }>()
  const overlay = (now: Record<string, unknown>, states: string) => {
    const view = { ...now }
    for (const k of Object.keys(view)) {
      const s = simulated.get(k)
      if (s && s.states === states) view[k] = s.state
    }
    return view
  }
  const out: StepPlan[] = []
  let reached = scope.options.from === undefined
  for (const step of steps) {
    reached ||= step.id === scope.options.from
    const rawType = scope.registry.get(step.type)
    // A restore step's items are where its forward step's were (journaled target).
    const forward = step.restoreFrom !== undefined ? scope.source?.state.steps.find((s) => s.step === step.restoreFrom) : undefined
    const target = targetOf(forward ?? step)
    const type = rawType && targetedType(rawType, target)
    const skipped = selectionSkip(step, reached, scope.options) ?? scope.finished?.(step.id)
    const entry: StepPlan = { step: step.id, type: step.type, changes: [], notes: [], irreversible: type?.irreversible, skipped }
    out.push(entry)
    if (skipped) {
      scope.onSkipped?.(step.id, skipped)
      continue
    }
    try {
      if (!type) throw new Error(`unknown step type ${step.type}`)
      const states = type.itemStates ?? type.type
      const ctx = stepContext(base, step.id, new AbortController().signal, target)
      if (step.restoreFrom !== undefined) {
        await planRestore(step, type, scope, entry, (now) => overlay(now, states), ctx)
      } else {
        const now = overlay(await type.observe(ctx, step.params), states)
        entry.changes = type.diff(step.params, now)
        entry.notes.push(...(type.notes?.(ctx, step.params, now, entry.changes) ?? []))
        if (entry.changes.length > 0) {
          const effects = type.planned?.(ctx, step.params, entry.changes) ?? {}
          for (const f of effects.facts ?? []) base.facts.push({ kind: f.kind, step: step.id, data: f.data })
          clock.advance(effects.waitMs ?? 0)
        }
      }
      for (const c of entry.changes) simulated.set(c.key, { states, state: c.after })
      if (entry.changes.length > 0) objects.commit()
      else objects.discard()
      if (type.irreversible && entry.changes.length > 0) entry.notes.push({ level: 'warn', message: `irreversible: ${type.irreversible}; rollback stops here unless --force` })
      scope.onPlanned?.(entry)
    } catch (e) {
      objects.discard()
      entry.error = messageOf(e)
      scope.onError?.(entry)
    }
  }
  return out
}

/** A step of a generated rollback playbook: restore the journaled items of the forward step. */
async function planRestore(
  step: ResolvedStep, type: StepType, scope: PlanScope, entry: StepPlan,
  overlay: (now: Record<string, unknown>) => Record<string, unknown>, ctx: ReturnType<typeof stepContext>,
): Promise<void> {
  const { source } = scope
  const forward = source?.state.steps.find((s) => s.step === step.restoreFrom)
  const items = forward ? [...forward.items.values()] : []
  if (items.length === 0) {
    entry.notes.push({ level: 'info', message: source ? `run ${source.runId} changed nothing in ${step.restoreFrom}` : `no run of ${scope.rollbackOf} found: nothing to restore` })
    return
  }
  const now = overlay(await type.observe(ctx, step.params, items.map((i) => i.key)))
  for (const it of items) {
    const cur = now[it.key] ?? null
    if (sameState(cur, it.before)) continue
    if (!sameState(cur, it.after)) entry.notes.push({ level: 'warn', message: `drift on ${it.key}: run ${source!.runId} set ${clip(it.after)}, now ${clip(cur)}; rollback will refuse without --force` })
    entry.changes.push({ key: it.key, before: cur, after: it.before, summary: `${it.key}: restore ${canonicalJson(it.before)}` })
  }
}

function clip(v: unknown): string {
  const s = canonicalJson(v ?? null)
  return s.length > 200 ? `${s.slice(0, 199)}…` : s
}
