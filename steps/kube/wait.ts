/**
 * Waiting for applied workloads the way `kubectl rollout status` does, polling on the context's
 * clock (virtual in the sandbox), then for their Services to have ready endpoints where the
 * cluster shows Endpoints objects.
 *
 * Polls back off: the first check is immediate, then after `interval`, and each later wait
 * doubles up to {@link MAX_POLL_MS} (or `interval` when that is longer). A rollout takes tens of
 * seconds (pods scheduled, images pulled, readiness probes passed), so polling every few seconds
 * for its whole length mostly reads "not yet". A workload seen rolled out is not read again.
 *
 * Reads are spent where they tell something: the first look at a workload the step just wrote is
 * the write's own answer (the object as the server stored it; read back at once it would say the
 * same), and a later poll reads the workloads in order and stops at the first one not rolled out,
 * since the wait goes on anyway (as `kubectl rollout status` of several resources waits for one
 * after the other). So a failed rollout behind a slow one shows once the slow one is done; a
 * timeout reads every workload still pending, to name what each one is waiting for.
 */
import type { ApplyContext } from '../../runner/contract.js'
import type { KubeObject, KubeRef } from '../../runner/clients/kube-types.js'
import { kubeKey } from '../../runner/clients/kube-types.js'
import { StepError } from '../step-error.js'
import { describeRef } from './objects.js'
import { conditionSummary, endpointsReady, rolloutStatus } from './rollout.js'

export class RolloutFailed extends StepError {
  constructor(what: string, message: string) {
    super('k8s.apply', 'apply', `${what} failed to roll out: ${message}`,
      'Look at the pods (kubectl describe / logs); the run rolls back what this step created or changed')
  }
}

export class RolloutTimedOut extends StepError {
  constructor(timeoutMs: number, waiting: string[]) {
    super('k8s.apply', 'apply', `not rolled out within ${Math.round(timeoutMs / 1000)} s: ${waiting.join('; ')}`,
      'Raise wait.timeout if the rollout is only slow, or fix what keeps it from becoming ready')
  }
}

export type WaitTargets = {
  workloads: KubeRef[]
  services: KubeRef[]
  /** The answers of the writes just made, by kubeKey: the first look at those workloads. */
  written?: ReadonlyMap<string, KubeObject>
}

/** Longest wait between two polls, unless `interval` asks for longer. */
export const MAX_POLL_MS = 30_000

export async function waitUntilReady(ctx: ApplyContext, targets: WaitTargets, timeoutMs: number, intervalMs: number): Promise<void> {
  const deadline = ctx.clock.now() + timeoutMs
  const pending = { workloads: [...targets.workloads], services: targets.services }
  let pause = intervalMs
  let first = true
  for (;;) {
    const waiting = await notReady(ctx, pending, first ? { written: targets.written ?? new Map() } : { firstOnly: true })
    first = false
    if (waiting.length === 0) return
    const left = deadline - ctx.clock.now()
    if (left <= 0) throw new RolloutTimedOut(timeoutMs, await notReady(ctx, pending, {}))
    await ctx.wait(Math.min(pause, left), `rollout: ${waiting.length} not ready (${waiting[0]})`)
    pause = Math.min(pause * 2, Math.max(intervalMs, MAX_POLL_MS))
  }
}

type Look = {
  /** Write answers to take instead of reading (the others are read). */
  written?: ReadonlyMap<string, KubeObject>
  /** Stop reading at the first workload not rolled out (the rest stay pending, unread). */
  firstOnly?: boolean
}

/**
 * What is not ready yet, one line each; throws when a rollout has failed for good. Workloads
 * found rolled out are dropped from `pending.workloads`.
 */
async function notReady(ctx: ApplyContext, pending: WaitTargets, look: Look): Promise<string[]> {
  const waiting: string[] = []
  const still: KubeRef[] = []
  for (const [i, ref] of pending.workloads.entries()) {
    if (look.firstOnly && waiting.length > 0) {
      still.push(...pending.workloads.slice(i))
      break
    }
    const obj = look.written?.get(kubeKey(ref)) ?? (await ctx.kube.get(ref))
    if (!obj) {
      waiting.push(`${describeRef(ref)}: not found`)
      still.push(ref)
      continue
    }
    const r = rolloutStatus(obj)
    const conditions = conditionSummary(obj)
    if (r.state === 'failed') throw new RolloutFailed(describeRef(ref), conditions ? `${r.message} [${conditions}]` : r.message)
    if (r.state === 'waiting') {
      waiting.push(`${describeRef(ref)}: ${r.message}${conditions ? ` [${conditions}]` : ''}`)
      still.push(ref)
    }
  }
  pending.workloads = still
  if (waiting.length > 0) return waiting
  for (const svc of pending.services) {
    // A cluster without Endpoints objects for this Service gives nothing to observe: not a wait.
    const ep = await ctx.kube.get({ apiVersion: 'v1', kind: 'Endpoints', namespace: svc.namespace, name: svc.name })
    if (ep && !endpointsReady(ep)) waiting.push(`${describeRef(svc)}: no ready endpoints`)
  }
  return waiting
}

/** `90`, `'90s'`, `'5m'`, `'1h'` to milliseconds. */
export function durationMs(v: number | string): number {
  if (typeof v === 'number') return v * 1000
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v.trim())
  if (!m) throw new Error(`not a duration: ${v} (use e.g. 90s, 5m, 1h)`)
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h']
  return Number(m[1]) * unit
}
