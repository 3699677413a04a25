/**
 * Weighted shifts: the weights of the old (`from`) and new (`to`) record set at each stage, and
 * the gate checked between stages (an HTTP check or an approval).
 */
import type { ApplyContext } from '../../runner/contract.js'
import { StepError, messageOf } from '../step-error.js'

export type HttpGate = { url: string; headers?: Record<string, string>; expectStatus: number; times: number; intervalSeconds: number }
export type Gate = { http: HttpGate } | { approval: string }

export class WeightedGateFailed extends StepError {}

/** Weight of the `to` set at a stage (percent of the pair's total), the rest stays on `from`. */
export function stageWeights(total: number, percent: number): { to: number; from: number } {
  const to = Math.round((total * percent) / 100)
  return { to, from: total - to }
}

/**
 * Passes when the URL answered `expectStatus` `times` times in a row, `intervalSeconds` apart.
 * Any other answer (or no answer) fails it at once: a weighted shift rolls back on the first sign
 * of trouble rather than keep traffic on a failing target.
 */
export async function checkGate(ctx: ApplyContext, stepType: string, gate: Gate, stage: number): Promise<void> {
  if ('approval' in gate) {
    if (await ctx.approve(`${gate.approval} (${stage}% of traffic is on the new target)`)) return
    throw new WeightedGateFailed(stepType, 'apply', `approval refused after the ${stage}% stage`, 'The step is rolled back to its original weights; run again when ready')
  }
  const { url, expectStatus, times, intervalSeconds, headers } = gate.http
  for (let i = 1; i <= times; i++) {
    let status: number | string
    try {
      const res = await fetch(url, { redirect: 'manual', signal: ctx.signal, ...(headers ? { headers } : {}) })
      await res.body?.cancel()
      status = res.status
    } catch (e) {
      status = `no answer (${messageOf(e)})`
    }
    if (status !== expectStatus) {
      throw new WeightedGateFailed(stepType, 'apply', `gate after the ${stage}% stage failed: ${url} answered ${status} on check ${i}/${times}, expected ${expectStatus}`,
        'The step is rolled back to its original weights; fix the new target and run again')
    }
    ctx.log(`gate ${url}: ${status} (${i}/${times})`)
    if (i < times) await ctx.wait(intervalSeconds * 1000, `gate ${url} (${i}/${times} ok)`)
  }
}
