/**
 * Weighted shifts: the weights of the old (`from`) and new (`to`) record set at each stage, and
 * which gates hold between stages and during the bake after the last one (the engine passes them,
 * see runner/gates/).
 */
import type { Gate } from '../../runner/gates/schema.js'
import type { GateOptions } from '../../runner/gates/watch.js'
import { parseDuration } from '../../runner/playbook/duration.js'

/** Weight of the `to` set at a stage (percent of the pair's total), the rest stays on `from`. */
export function stageWeights(total: number, percent: number): { to: number; from: number } {
  const to = Math.round((total * percent) / 100)
  return { to, from: total - to }
}

/** Gates to pass after a stage: every one between stages; after the last, the signals for `bake`. */
export type StageGate = { gates: Gate[]; opts: GateOptions }

export function stageGate(w: { gate?: Gate; gates?: Gate[]; bake?: string }, stage: number, last: boolean): StageGate | undefined {
  const gates = w.gates ?? (w.gate ? [w.gate] : [])
  if (!last) return gates.length > 0 ? { gates, opts: { stage: `after the ${stage}% stage`, status: `${stage}% of traffic is on the new target` } } : undefined
  if (!w.bake) return undefined
  const signals = gates.filter((g) => !('approval' in g))
  return { gates: signals, opts: { stage: `during the ${w.bake} bake`, watchMs: parseDuration(w.bake)! } }
}
