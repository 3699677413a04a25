/**
 * The preflight of `run`: before its first write (before `begin` is journaled), plan every step
 * the run will run, with the planner `plan` uses (read-only clients; each step sees the planned
 * results of the ones before it). A step that cannot be planned (a wrong name, a missing object no
 * earlier step creates, a patch that does not fit) refuses the whole run while nothing has
 * changed. A resumed run preflights the steps it has left: those its journal says are done are
 * not planned again (the run itself still checks them).
 */
import { planSteps, type StepPlan } from './planner.js'
import type { RunState } from './run-state.js'
import type { FoundRun } from './runs.js'
import type { EngineDeps, Playbook } from './types.js'

/** The steps that cannot be planned (empty: the run may start). */
export async function preflight(playbook: Playbook, deps: EngineDeps, prior: RunState, source: FoundRun | undefined): Promise<StepPlan[]> {
  const { options } = deps
  const done = new Set(prior.steps.filter((s) => s.done).map((s) => s.step))
  const planned = await planSteps(playbook.steps, {
    registry: deps.registry,
    clients: deps.clients,
    clock: deps.clock,
    options: { force: options.force, skipTtlWait: options.skipTtlWait, yes: options.yes, from: options.from, only: options.only },
    facts: prior.facts,
    source,
    rollbackOf: playbook.rollbackOf?.playbook,
    finished: (step) => (done.has(step) ? 'done in the run being resumed' : undefined),
  })
  return planned.filter((s) => s.error !== undefined)
}
