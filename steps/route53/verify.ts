/**
 * Seeing record changes through: submit them (INSYNC included, see batch.ts), then read the zone
 * back and compare with what was written.
 */
import type { ApplyContext } from '../../runner/contract.js'
import { sameState } from '../../runner/canonical.js'
import { StepError } from '../step-error.js'
import { submitChanges, toRoute53Change, type SubmitHooks } from './batch.js'
import { recordKey, type RecordState } from './names.js'
import { listRecordSets } from './zone.js'

export class ReadBackMismatch extends StepError {}

/** One record set to write: its item key, journaled before-state and the state to set. */
export type Target = { key: string; before: unknown; after: RecordState | null }

/** One zone's changes in as few atomic batches as allowed, INSYNC, then a read-back. */
export async function writeAndVerify(ctx: ApplyContext, stepType: string, phase: 'apply' | 'restore', zoneId: string, targets: Target[], hooks: SubmitHooks = {}): Promise<void> {
  await submitChanges(ctx, stepType, phase, zoneId, targets.map(toRoute53Change), hooks)
  await readBack(ctx, stepType, phase, zoneId, targets)
}

/** List the zone and throw {@link ReadBackMismatch} when a target's record set differs from its `after`. */
export async function readBack(ctx: ApplyContext, stepType: string, phase: 'apply' | 'restore', zoneId: string, targets: Target[]): Promise<void> {
  const now = new Map((await listRecordSets(ctx, zoneId)).map((rs) => [recordKey(zoneId, rs), rs]))
  const wrong = targets.filter((t) => !sameState(now.get(t.key) ?? null, t.after))
  if (wrong.length > 0) {
    throw new ReadBackMismatch(stepType, phase, `after INSYNC, ${wrong.length} record set(s) differ from what was written: ${wrong.slice(0, 5).map((t) => t.key).join(', ')}`,
      'Someone else may be changing the zone; inspect it, then run again (or roll back)')
  }
}
