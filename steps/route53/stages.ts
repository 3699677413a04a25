/**
 * Weighted mode of `route53.records`: each stage moves every pair of the zone in one batch, waits
 * for INSYNC, reads the records back, then passes the gate. Each milestone is journaled
 * (runner/stages.ts), so a run killed inside a stage finishes that stage first when run again:
 * INSYNC of the change it journaled (or the same stage sent again when the kill came before the
 * change id was durable), read-back, then the gate, before the next stage's batch.
 */
import type { ApplyContext, Change } from '../../runner/contract.js'
import { markStage, stageProgress } from '../../runner/stages.js'
import { waitInsync, type SubmitHooks } from './batch.js'
import { specKeys } from './desired.js'
import { parseKey, type RecordState } from './names.js'
import type { Route53RecordsParams } from './records-params.js'
import { readBack, writeAndVerify, type Target } from './verify.js'
import { stageGate, stageWeights, type StageGate } from './weighted.js'

type Pair = { from?: Change; to?: Change }

/**
 * The pairs' states at `stage` (pairs already past it are left out), and whether the records
 * already hold it: every `to` set has at least the stage's weight.
 */
function stageTargets(pairs: Pair[], stage: number): { targets: Target[]; held: boolean } {
  const targets: Target[] = []
  let held = true
  for (const { from, to } of pairs) {
    const total = ((to?.after ?? from!.before) as RecordState).Weight ?? 0
    const current = to ? ((to.before as RecordState | null)?.Weight ?? 0) : total
    const weights = stageWeights(total, stage)
    if (current < weights.to) held = false
    if (current > weights.to) continue // already past this stage
    const toAfter = (to?.after ?? null) as RecordState | null
    if (to && toAfter) targets.push({ key: to.key, before: to.before, after: { ...toAfter, Weight: weights.to } })
    if (from) targets.push({ key: from.key, before: from.before, after: { ...(from.after as RecordState), Weight: weights.from } })
  }
  return { targets, held }
}

/** The shift, stage by stage. A stage the records already hold is finished, not skipped. */
export async function applyStages(ctx: ApplyContext, stepType: string, p: Route53RecordsParams, zoneId: string, changes: Change[]): Promise<void> {
  const w = p.weighted!
  const byKey = new Map(changes.map((c) => [c.key, c]))
  const pairs = specKeys(p, zoneId).map((s) => ({ from: byKey.get(s.fromKey!), to: byKey.get(s.key) })).filter((x) => x.from || x.to)
  const last = w.stages.length - 1
  const plans = w.stages.map((stage) => stageTargets(pairs, stage))
  // The highest stage short of the last that the records hold (a resumed run): earlier ones are past.
  const held = plans.slice(0, last).map((s) => s.held).lastIndexOf(true)
  for (const [i, stage] of w.stages.entries()) {
    const { targets } = plans[i]
    if (i < held || targets.length === 0) continue
    const gate = stageGate(w, stage, i === last)
    if (i === held) {
      await finishStage(ctx, stepType, zoneId, stage, targets, gate, `weighted shift ${w.from} -> ${w.to}: finishing stage ${stage}% of an interrupted run`)
      continue
    }
    ctx.log(`weighted shift ${w.from} -> ${w.to}: stage ${stage}%`)
    await sendStage(ctx, stepType, zoneId, stage, targets)
    await passGate(ctx, stepType, gate, stage)
  }
}

/**
 * The last stage after a crash that left nothing to change: the records are at their final
 * weights, but the stage may not be INSYNC and read back yet (`unfinished`: journaled items).
 */
export async function settleStages(ctx: ApplyContext, stepType: string, p: Route53RecordsParams, unfinished: Change[]): Promise<void> {
  const stage = p.weighted!.stages[p.weighted!.stages.length - 1]
  const byZone = new Map<string, Target[]>()
  for (const c of unfinished) {
    const zoneId = parseKey(c.key).zoneId
    byZone.set(zoneId, [...(byZone.get(zoneId) ?? []), { key: c.key, before: c.before, after: c.after as RecordState | null }])
  }
  const gate = stageGate(p.weighted!, stage, true)
  for (const [zoneId, targets] of byZone) await finishStage(ctx, stepType, zoneId, stage, targets, gate, `weighted shift: finishing the ${stage}% stage of an interrupted run`)
}

/** Declare the stage (journaled before the batch), send it, INSYNC, read back; each milestone marked. */
async function sendStage(ctx: ApplyContext, stepType: string, zoneId: string, stage: number, targets: Target[]): Promise<void> {
  // Journaled first: a failed gate or a crash leaves the records at a stage the rollback knows.
  await ctx.intermediate(targets.map((t) => ({ key: t.key, state: t.after })))
  const hooks: SubmitHooks = { onSubmitted: (changeId) => markStage(ctx, stage, 'submitted', { zoneId, changeId }) }
  await writeAndVerify(ctx, stepType, 'apply', zoneId, targets, hooks)
  await markStage(ctx, stage, 'verified')
}

async function passGate(ctx: ApplyContext, _stepType: string, gate: StageGate | undefined, stage: number): Promise<void> {
  if (!gate) return
  await ctx.gate(gate.gates, gate.opts)
  await markStage(ctx, stage, 'passed')
}

/**
 * A stage the records already hold: wait for the change the journal has for it to be INSYNC and
 * read back (with no change id journaled, send the same stage again: Route 53 applies a zone's
 * changes in order, so its INSYNC covers the earlier one), then pass the gate.
 */
async function finishStage(ctx: ApplyContext, stepType: string, zoneId: string, stage: number, targets: Target[], gate: StageGate | undefined, message: string): Promise<void> {
  const progress = stageProgress(ctx, stage)
  if (progress.passed || (progress.verified && !gate)) return
  ctx.log(message)
  if (!progress.verified) {
    const changeIds = progress.submitted.filter((s) => s.zoneId === zoneId).map((s) => String(s.changeId))
    if (changeIds.length === 0) await sendStage(ctx, stepType, zoneId, stage, targets)
    else {
      for (const id of changeIds) await waitInsync(ctx, stepType, id, { pollFirst: true })
      await readBack(ctx, stepType, 'apply', zoneId, targets)
      await markStage(ctx, stage, 'verified')
    }
  }
  await passGate(ctx, stepType, gate, stage)
}
