/**
 * Restores the journaled before-states of one step's items: the heart of every rollback
 * (automatic after a failure, `playbook rollback`, and generated rollback playbooks).
 *
 * Per item, the current state decides: equal to the journaled before-state → already restored;
 * equal to a state the run set (its after-state, or an intermediate stage it journaled) → restore
 * it; anything else → drift: refuse (nothing of
 * the step is written) unless `force`. An item that no longer exists although the run left it
 * existing (deleted by hand) is refused too; with `force` it is passed with a warning (journaled
 * as `passed`), or recreated when the step type says it can ({@link StepType.recreatesVanished}). Restoring writes `{key, before: current, after: journaled
 * before}` through the step type's `applyRestore`. `reverting` is journaled before the write and
 * `reverted` after, so a rollback killed midway and rerun finishes (restored items then compare
 * equal to their before-state).
 */
import type { Change, StepType } from '../contract.js'
import { canonicalJson, sameState } from '../canonical.js'
import { RevertFailed, UnknownStepType, messageOf } from '../errors.js'
import { applyContext, stepContext, type ContextBase } from './context.js'
import type { Recorder } from './recorder.js'
import type { JournaledItem } from './run-state.js'
import { targetedType, type StepTarget } from './targets.js'

export type RevertTarget = {
  /** Id of the step doing the restore (journaled and shown): the forward step's, or a rollback playbook's. */
  step: string
  /** Id of the forward step whose items are restored. */
  sourceStep: string
  /** Run whose journal holds the items. */
  source: string
  forwardType: string
  /** The restore-mode step (the forward type's inverse), with parsed params. */
  restore: { type: string; params: unknown }
  items: JournaledItem[]
  /** The forward step's named targets: where its items are restored (absent: the defaults). */
  target?: StepTarget
}

export type RevertOutcome = 'restored' | 'refused' | 'failed' | 'irreversible-skipped' | 'irreversible-stopped'

/** Whether an outcome stops a rollback, and whether rerunning it needs `--force`. */
export const stops = (o: RevertOutcome) => o !== 'restored' && o !== 'irreversible-skipped'
export const needsForce = (o: RevertOutcome) => o === 'refused' || o === 'irreversible-stopped'

export type RevertEnv = ContextBase & { registry: ReadonlyMap<string, StepType>; force: boolean; signal: AbortSignal }

/** `with` parsed by the type's params schema (defaults applied); raw when it no longer parses. */
export function parseParams(type: StepType, raw: unknown): unknown {
  const r = type.params.safeParse(raw)
  return r.success ? r.data : raw
}

/** The restore-mode step of a journaled forward step: the type's inverse, params parsed. */
export function inverseOf(registry: ReadonlyMap<string, StepType>, step: string, type: string, raw: Record<string, unknown>) {
  const t = registry.get(type)
  if (!t) throw new UnknownStepType(step, type)
  const inv = t.inverse(parseParams(t, raw))
  const rt = registry.get(inv.type)
  if (!rt) throw new UnknownStepType(step, inv.type)
  return { type: inv.type, params: parseParams(rt, inv.with) }
}

export async function revertStep(target: RevertTarget, runEnv: RevertEnv, rec: Recorder): Promise<RevertOutcome> {
  // Steps see the run being restored as theirs (its per-run backups are found by its id).
  const env: RevertEnv = { ...runEnv, runId: target.source }
  const { emit } = env
  const forward = env.registry.get(target.forwardType)
  const rawRestore = env.registry.get(target.restore.type)
  // Journaled keys of a named target carry its prefix; the step reads and writes plain ones.
  const restoreType = rawRestore && targetedType(rawRestore, target.target)
  if (!forward || !restoreType) {
    const err = new UnknownStepType(target.step, forward ? target.restore.type : target.forwardType)
    await rec.write({ t: 'revert-failed', step: target.step, source: target.source, error: err.message })
    emit({ kind: 'rollback-failed', step: target.step, error: err.message })
    return 'failed'
  }
  const keys = target.items.map((i) => i.key)
  const of = target.sourceStep === target.step ? {} : { sourceStep: target.sourceStep }
  if (forward.irreversible) {
    const reason = `irreversible: ${forward.irreversible}`
    emit({ kind: 'rollback-skipped', step: target.step, reason: env.force ? `${reason} (--force: passed without undo)` : `${reason}; rerun with --force to pass it without undoing it` })
    if (!env.force) return 'irreversible-stopped'
    await rec.write({ t: 'reverted', step: target.step, source: target.source, keys, ...of, passed: keys })
    return 'irreversible-skipped'
  }
  emit({ kind: 'rollback-step', step: target.step, keys })
  await rec.write({ t: 'reverting', step: target.step, source: target.source, keys, ...of })
  try {
    const current = await restoreType.observe(stepContext(env, target.step, env.signal, target.target), target.restore.params, keys).catch((e) => {
      throw new RevertFailed(target.step, 'observe', e)
    })
    const changes: Change[] = []
    const unchanged: string[] = []
    const passed: string[] = []
    let refused = false
    for (const item of target.items) {
      const now = current[item.key] ?? null
      if (sameState(now, item.before)) {
        unchanged.push(item.key)
        continue
      }
      if (now === null && !item.afters.some((a) => a === null)) {
        // Gone since the run, which left it existing: deleted by hand.
        const recreate = restoreType.recreatesVanished
        const action = !env.force ? 'refused' : recreate ? 'recreated' : 'skipped'
        emit({ kind: 'rollback-vanished', step: target.step, key: item.key, before: item.before, action, ...(action === 'recreated' ? { reason: recreate } : {}) })
        if (action === 'refused') refused = true
        else if (action === 'skipped') passed.push(item.key)
        else changes.push({ key: item.key, before: null, after: item.before, summary: `${item.key}: recreate ${canonicalJson(item.before)}` })
        continue
      }
      if (!item.afters.some((a) => sameState(now, a))) {
        emit({ kind: 'rollback-drift', step: target.step, key: item.key, expected: item.after, actual: now, forced: env.force })
        if (!env.force) {
          refused = true
          continue
        }
      }
      changes.push({ key: item.key, before: now, after: item.before, summary: `${item.key}: restore ${canonicalJson(item.before)}` })
    }
    if (refused) {
      const error = `step ${target.step}: items changed or deleted since the run set them (drift); nothing of this step was restored. Inspect the diff, then rerun with --force to overwrite changed items and pass deleted ones`
      await rec.write({ t: 'revert-failed', step: target.step, source: target.source, error })
      emit({ kind: 'rollback-failed', step: target.step, error })
      return 'refused'
    }
    if (changes.length > 0) {
      const ctx = applyContext(env, rec, target.step, env.signal, async (done) => {
        await rec.write({ t: 'reverted', step: target.step, source: target.source, keys: done, ...of })
      }, target.target)
      await restoreType.applyRestore(ctx, target.restore.params, changes).catch((e) => {
        throw new RevertFailed(target.step, 'restore', e)
      })
    }
    await rec.write({ t: 'reverted', step: target.step, source: target.source, keys, ...of, ...(passed.length ? { passed } : {}) })
    emit({ kind: 'rollback-step-done', step: target.step, restored: changes.map((c) => c.key), unchanged, ...(passed.length ? { passed } : {}) })
    return 'restored'
  } catch (e) {
    const error = messageOf(e)
    await rec.write({ t: 'revert-failed', step: target.step, source: target.source, error })
    emit({ kind: 'rollback-failed', step: target.step, error })
    return 'failed'
  }
}

/**
 * Reverts targets in the given order (newest first); stops at the first that cannot be undone and
 * returns its outcome ('restored' when every target is undone).
 */
export async function revertAll(targets: RevertTarget[], env: RevertEnv, rec: Recorder): Promise<RevertOutcome> {
  for (const t of targets) {
    const outcome = await revertStep(t, env, rec)
    if (stops(outcome)) return outcome
  }
  return 'restored'
}
