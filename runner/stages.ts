/**
 * Stage bookkeeping for staged, gated steps (a weighted DNS shift; any step type that moves
 * traffic in stages with a gate between them). Each milestone of a stage is journaled as a fact
 * of the step, durable before the step goes on, so a resumed run knows how far the stage it died
 * in got:
 *
 * - `submitted`: a write of the stage returned (`data` holds what is needed to see it through,
 *   e.g. a change id); written once per write.
 * - `verified`: the stage's writes took effect and were read back.
 * - `passed`: the gate after the stage passed.
 *
 * The contract for a step using it: a resumed stage that is not `verified` is seen through and
 * read back, and one that is not `passed` passes its gate, before the next stage starts.
 * `show` lists the marks with the run's other facts.
 */
import type { ApplyContext, StepContext } from './contract.js'

export const STAGE_FACT = 'stage'

export type StageMilestone = 'submitted' | 'verified' | 'passed'

/** How far one stage of the current step got in this run (including attempts that died). */
export type StageProgress = {
  /** `data` of every `submitted` mark, oldest first. */
  submitted: Array<Record<string, unknown>>
  verified: boolean
  passed: boolean
}

/** Journal a milestone of `stage` of the current step (durable before it returns). */
export async function markStage(ctx: ApplyContext, stage: number, milestone: StageMilestone, data: Record<string, unknown> = {}): Promise<void> {
  await ctx.fact(STAGE_FACT, { stage, milestone, ...data })
}

/** The journaled progress of `stage` of the current step. */
export function stageProgress(ctx: StepContext, stage: number): StageProgress {
  const out: StageProgress = { submitted: [], verified: false, passed: false }
  for (const f of ctx.facts(STAGE_FACT)) {
    if (f.step !== ctx.stepId || f.data.stage !== stage) continue
    const { stage: _s, milestone, ...data } = f.data
    if (milestone === 'submitted') out.submitted.push(data)
    else if (milestone === 'verified') out.verified = true
    else if (milestone === 'passed') out.passed = true
  }
  return out
}
