/**
 * `plan(playbook, deps)`: observe + diff (+ notes) for every step, changing nothing.
 * Steps get contexts whose clients are built read-only (a write throws), and no apply or
 * restore is ever called: the plan has no apply context at all. Each step is observed against
 * the current state with the planned results of earlier steps laid over it (an item an earlier
 * step changes is seen as that step leaves it), so the plan of a later step is what it would do.
 * Used by `playbook plan` and `playbook run --dry-run`.
 */
import type { Change, Note } from '../contract.js'
import { canonicalJson, sameState } from '../canonical.js'
import { messageOf } from '../errors.js'
import { ClientPool } from './clients.js'
import { stepContext, type ContextBase } from './context.js'
import { foldRun } from './run-state.js'
import { resumableRun, sourceRun } from './runs.js'
import type { EngineDeps, Playbook } from './types.js'

export type StepPlan = {
  step: string
  type: string
  skipped?: string
  changes: Change[]
  notes: Note[]
  irreversible?: string
  error?: string
}

export type PlanResult = { steps: StepPlan[]; ok: boolean; changes: number }

export async function plan(playbook: Playbook, deps: Omit<EngineDeps, 'journal'> & { journal: EngineDeps['journal'] }): Promise<PlanResult> {
  const { emit, options } = deps
  const env = playbook.env?.name ?? null
  const resumable = await resumableRun(deps.journal, playbook.name, env, deps.source.sha256, playbook.vars)
  const facts = typeof resumable === 'object' ? [...foldRun(await deps.journal.read(resumable.runId)).facts] : []
  const base: ContextBase = {
    pool: new ClientPool(deps.clients, true),
    clock: deps.clock,
    options: { force: options.force, skipTtlWait: options.skipTtlWait, yes: options.yes },
    facts,
    emit,
    approve: async () => false,
  }
  const source = playbook.rollbackOf ? await sourceRun(deps.journal, playbook.rollbackOf, env) : undefined
  emit({ kind: 'run-start', runId: '(plan)', playbook: playbook.name, env, mode: 'plan', resumed: false, steps: playbook.steps.map((s) => s.id) })
  const out: StepPlan[] = []
  // key -> state an earlier planned step leaves it in.
  const simulated = new Map<string, unknown>()
  const overlay = (now: Record<string, unknown>) => {
    const view = { ...now }
    for (const k of Object.keys(view)) if (simulated.has(k)) view[k] = simulated.get(k)
    return view
  }
  let reached = options.from === undefined
  for (const step of playbook.steps) {
    reached ||= step.id === options.from
    const skipped = !reached ? `before --from ${options.from}` : options.only !== undefined && step.id !== options.only ? `not --only ${options.only}` : !step.when ? 'its `when` is false' : undefined
    const type = deps.registry.get(step.type)
    const entry: StepPlan = { step: step.id, type: step.type, changes: [], notes: [], irreversible: type?.irreversible, skipped }
    out.push(entry)
    if (skipped) {
      emit({ kind: 'step-skipped', step: step.id, reason: skipped })
      continue
    }
    try {
      if (!type) throw new Error(`unknown step type ${step.type}`)
      const ctx = stepContext(base, step.id, new AbortController().signal)
      if (step.restoreFrom !== undefined) {
        const forward = source?.state.steps.find((s) => s.step === step.restoreFrom)
        const items = forward ? [...forward.items.values()] : []
        if (items.length === 0) entry.notes.push({ level: 'info', message: source ? `run ${source.runId} changed nothing in ${step.restoreFrom}` : `no run of ${playbook.rollbackOf?.playbook} found: nothing to restore` })
        else {
          const now = overlay(await type.observe(ctx, step.params, items.map((i) => i.key)))
          for (const it of items) {
            const cur = now[it.key] ?? null
            if (sameState(cur, it.before)) continue
            if (!sameState(cur, it.after)) entry.notes.push({ level: 'warn', message: `drift on ${it.key}: run ${source!.runId} set ${clip(it.after)}, now ${clip(cur)}; rollback will refuse without --force` })
            entry.changes.push({ key: it.key, before: cur, after: it.before, summary: `${it.key}: restore ${canonicalJson(it.before)}` })
          }
        }
      } else {
        const now = overlay(await type.observe(ctx, step.params))
        entry.changes = type.diff(step.params, now)
        entry.notes.push(...(type.notes?.(ctx, step.params, now, entry.changes) ?? []))
      }
      for (const c of entry.changes) simulated.set(c.key, c.after)
      if (type.irreversible && entry.changes.length > 0) entry.notes.push({ level: 'warn', message: `irreversible: ${type.irreversible}; rollback stops here unless --force` })
      emit({ kind: 'step-plan', step: step.id, type: step.type, changes: entry.changes, notes: entry.notes, irreversible: type.irreversible })
    } catch (e) {
      entry.error = messageOf(e)
      emit({ kind: 'step-failed', step: step.id, phase: 'plan', error: `step ${step.id} (plan) failed: ${entry.error}` })
    }
  }
  const ok = out.every((s) => s.error === undefined)
  const changes = out.reduce((n, s) => n + s.changes.length, 0)
  emit({ kind: 'run-end', runId: '(plan)', status: 'planned', exitCode: ok ? 0 : 1 })
  return { steps: out, ok, changes }
}

function clip(v: unknown): string {
  const s = canonicalJson(v ?? null)
  return s.length > 200 ? `${s.slice(0, 199)}…` : s
}
