/**
 * `plan(playbook, deps)`: observe + diff (+ notes) for every step, changing nothing, through the
 * planner (planner.ts): read-only clients, no apply context at all, and each step planned as the
 * run would find it after the steps before it (their planned item states, the Kubernetes objects
 * they would create, the facts they would journal, the waits they would make).
 * Used by `playbook plan` and `playbook run --dry-run`.
 */
import { foldRun } from './run-state.js'
import { planSteps, type StepPlan } from './planner.js'
import { resumableRun, sourceRun } from './runs.js'
import type { EngineDeps, Playbook } from './types.js'

export type { StepPlan } from './planner.js'

export type PlanResult = { steps: StepPlan[]; ok: boolean; changes: number }

export async function plan(playbook: Playbook, deps: EngineDeps): Promise<PlanResult> {
  const { emit, options } = deps
  const env = playbook.env?.name ?? null
  const resumable = await resumableRun(deps.journal, playbook.name, env, deps.source.sha256, playbook.vars)
  const facts = typeof resumable === 'object' ? [...foldRun(await deps.journal.read(resumable.runId)).facts] : []
  const source = playbook.rollbackOf ? await sourceRun(deps.journal, playbook.rollbackOf, env) : undefined
  emit({ kind: 'run-start', runId: '(plan)', playbook: playbook.name, env, mode: 'plan', resumed: false, steps: playbook.steps.map((s) => s.id) })
  const steps = await planSteps(playbook.steps, {
    registry: deps.registry,
    clients: deps.clients,
    clock: deps.clock,
    options: { force: options.force, skipTtlWait: options.skipTtlWait, yes: options.yes, from: options.from, only: options.only },
    facts,
    source,
    rollbackOf: playbook.rollbackOf?.playbook,
    onSkipped: (step, reason) => emit({ kind: 'step-skipped', step, reason }),
    onPlanned: (p) => emit({ kind: 'step-plan', step: p.step, type: p.type, changes: p.changes, notes: p.notes, irreversible: p.irreversible }),
    onError: (p) => emit({ kind: 'step-failed', step: p.step, phase: 'plan', error: `step ${p.step} (plan) failed: ${p.error}` }),
  })
  const ok = steps.every((s) => s.error === undefined)
  const changes = steps.reduce((n, s) => n + s.changes.length, 0)
  emit({ kind: 'run-end', runId: '(plan)', status: 'planned', exitCode: ok ? 0 : 1 })
  return { steps, ok, changes }
}
