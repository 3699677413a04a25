/**
 * Submitting record changes: all changes of one zone in as few ChangeBatches as Route 53's
 * per-request limits allow (each batch is atomic), then a wait for INSYNC.
 *
 * Limits per ChangeResourceRecordSets request: 1,000 changes, 1,000 ResourceRecord elements and
 * 32,000 characters of Value elements, where an UPSERT counts its records and characters twice.
 * Alias records carry no ResourceRecord elements, so 2,500 alias UPSERTs take exactly 3 batches.
 */
import type { Change as R53Change } from '@aws-sdk/client-route-53'
import type { ApplyContext, Change } from '../../runner/contract.js'
import { StepError, messageOf } from '../step-error.js'
import type { RecordState } from './names.js'

export const batchLimits = { changes: 1000, recordElements: 1000, valueChars: 32000 } as const

export type KeyedChange = { key: string; change: R53Change }

export class ChangeBatchFailed extends StepError {}
export class InsyncTimeout extends StepError {}

/** The Route 53 change that takes an item from `before` to `after` (UPSERT, or DELETE for null). */
export function toRoute53Change(c: Pick<Change, 'key' | 'before' | 'after'>): KeyedChange {
  const after = c.after as RecordState | null
  const before = c.before as RecordState | null
  if (after) return { key: c.key, change: { Action: 'UPSERT', ResourceRecordSet: after as never } }
  if (before) return { key: c.key, change: { Action: 'DELETE', ResourceRecordSet: before as never } }
  throw new Error(`change ${c.key} goes from nothing to nothing`)
}

function cost(c: R53Change): { records: number; chars: number } {
  const times = c.Action === 'UPSERT' ? 2 : 1
  const rrs = c.ResourceRecordSet?.ResourceRecords ?? []
  return { records: rrs.length * times, chars: rrs.reduce((n, r) => n + (r.Value?.length ?? 0), 0) * times }
}

/** Split in order into the fewest batches that each respect {@link batchLimits}. */
export function splitBatches(changes: KeyedChange[]): KeyedChange[][] {
  const batches: KeyedChange[][] = []
  let current: KeyedChange[] = []
  let records = 0
  let chars = 0
  for (const kc of changes) {
    const c = cost(kc.change)
    const full =
      current.length + 1 > batchLimits.changes ||
      records + c.records > batchLimits.recordElements ||
      chars + c.chars > batchLimits.valueChars
    if (full && current.length > 0) {
      batches.push(current)
      current = []
      records = 0
      chars = 0
    }
    current.push(kc)
    records += c.records
    chars += c.chars
  }
  if (current.length > 0) batches.push(current)
  return batches
}

/**
 * Waits before each GetChange poll. A change is often INSYNC at once (or within a second or two)
 * and usually within a minute: the first poll comes after 1 s, the next at 10 s and then every
 * 10 s. An immediate INSYNC is seen after 1 s; a slow one at most 10 s late, with no more polls
 * than a 5 s / 5 s / 10 s cadence makes (7 for a one-minute change: 1, 10, 20, ..., 60 s), far
 * under Route 53's 5 requests per second. (The SDK's own waiter polls every 30 to 120 s.)
 */
export const INSYNC_POLL_MS = [1_000, 9_000, 10_000] as const
/** How long a batch waits for an earlier change of its zone (PriorRequestNotComplete), and how often it tries again. */
export const PRIOR_CHANGE_PATIENCE_MS = 10 * 60_000
export const PRIOR_CHANGE_RETRY_MS = 30_000

/**
 * Poll GetChange (see {@link INSYNC_POLL_MS}; virtual in the sandbox) until INSYNC; returns the time
 * it was seen. `pollFirst` asks once before the first wait: for a change submitted by an earlier,
 * interrupted attempt, which is usually INSYNC by now.
 */
export async function waitInsync(ctx: ApplyContext, stepType: string, changeId: string, opts: { pollFirst?: boolean; maxWaitMs?: number } = {}): Promise<number> {
  const { pollFirst = false, maxWaitMs = 30 * 60_000 } = opts
  const started = ctx.clock.now()
  for (let poll = 0; ; poll++) {
    if (poll > 0 || !pollFirst) await ctx.wait(INSYNC_POLL_MS[Math.min(poll - (pollFirst ? 1 : 0), INSYNC_POLL_MS.length - 1)], 'Route 53 change INSYNC')
    const res = await ctx.aws.route53.getChange({ Id: changeId })
    if (res.ChangeInfo?.Status === 'INSYNC') return ctx.clock.now()
    if (ctx.clock.now() - started >= maxWaitMs) {
      throw new InsyncTimeout(stepType, 'apply', `change ${changeId} still ${res.ChangeInfo?.Status} after ${Math.round(maxWaitMs / 60000)} min`,
        'The change was submitted and will still take effect; check it with `aws route53 get-change`, then run again (the step is idempotent)')
    }
  }
}

const isPriorRequestNotComplete = (e: unknown) => (e as { name?: string } | null)?.name === 'PriorRequestNotComplete'

/**
 * ChangeResourceRecordSets, waiting out an earlier change of the zone that is still PENDING (a
 * run killed before INSYNC leaves one behind): the SDK's own retries last seconds of real time,
 * the earlier change needs up to a minute of the clock's time, so the wait goes through ctx.wait.
 * Each try still costs the SDK's retries (seconds of real time), hence the long gap between tries.
 */
async function changeBatch(ctx: ApplyContext, input: Parameters<ApplyContext['aws']['route53']['changeResourceRecordSets']>[0]): Promise<string> {
  const started = ctx.clock.now()
  for (;;) {
    try {
      const res = await ctx.aws.route53.changeResourceRecordSets(input)
      return res.ChangeInfo!.Id!
    } catch (e) {
      if (!isPriorRequestNotComplete(e) || ctx.clock.now() - started >= PRIOR_CHANGE_PATIENCE_MS) throw e
      await ctx.wait(PRIOR_CHANGE_RETRY_MS, `Route 53: an earlier change of zone ${input.HostedZoneId} is still PENDING`)
    }
  }
}

export type BatchResult = { keys: string[]; changeId: string; insyncAt: number }

/** Called as each batch goes: `onSubmitted` right after it returned (before the INSYNC wait), `onInsync` once it is INSYNC. */
export type SubmitHooks = {
  onSubmitted?: (changeId: string, keys: string[]) => Promise<void>
  onInsync?: (r: BatchResult) => Promise<void>
}

/**
 * Submit `changes` for one zone, batch by batch. After each batch returns, its keys are reported
 * with `ctx.applied` (before the INSYNC wait); a batch that fails changed nothing (Route 53
 * batches are atomic), so the applied keys stay exactly those of the earlier batches.
 */
export async function submitChanges(
  ctx: ApplyContext,
  stepType: string,
  phase: 'apply' | 'restore',
  zoneId: string,
  changes: KeyedChange[],
  hooks: SubmitHooks = {},
): Promise<BatchResult[]> {
  const batches = splitBatches(changes)
  const results: BatchResult[] = []
  for (const [i, batch] of batches.entries()) {
    let changeId: string
    try {
      changeId = await changeBatch(ctx, {
        HostedZoneId: zoneId,
        ChangeBatch: { Comment: `switchover ${ctx.stepId} (${i + 1}/${batches.length})`, Changes: batch.map((b) => b.change) },
      })
    } catch (e) {
      const done = results.reduce((n, r) => n + r.keys.length, 0)
      throw new ChangeBatchFailed(stepType, phase,
        `change batch ${i + 1}/${batches.length} for zone ${zoneId} (${batch.length} changes) was rejected: ${messageOf(e)}; ` +
          `this batch changed nothing, ${done} changes of earlier batches are in effect`,
        'Fix the cause, then run again: the step resumes from what is already applied (or roll back)', e)
    }
    const keys = batch.map((b) => b.key)
    await ctx.applied(keys)
    if (hooks.onSubmitted) await hooks.onSubmitted(changeId, keys)
    ctx.log(`zone ${zoneId}: batch ${i + 1}/${batches.length} submitted (${batch.length} changes), waiting for INSYNC`)
    const insyncAt = await waitInsync(ctx, stepType, changeId)
    const r = { keys, changeId, insyncAt }
    results.push(r)
    if (hooks.onInsync) await hooks.onInsync(r)
  }
  return results
}
