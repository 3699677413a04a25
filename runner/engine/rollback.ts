/**
 * `rollback(runId | 'last', deps, {force})`: undoes what a run changed, from its journal alone.
 * Steps newest first; each item is drift-checked before it is restored (see revert.ts).
 * The rollback has its own journal (mode `rollback`, linked to the run by `rollbackOf`); it can
 * be rerun after a crash and finishes the job. Only what no earlier rollback undid is taken
 * (undone.ts): a partly rolled back run gets the rest, a fully rolled back one nothing (exit 0,
 * no journal written). An irreversible step stops the rollback unless `force`. Exit code 0 when
 * everything journaled is back, 3 otherwise; then a `rollback-left` event says what is left.
 */
import { UsageError } from '../errors.js'
import type { Journal } from '../journal/journal.js'
import { isRunId, newRunId } from '../journal/run-id.js'
import { ClientPool, forRun } from './clients.js'
import { revertTargets } from './execute.js'
import { reportLeft } from './left.js'
import { Recorder } from './recorder.js'
import { revertAll, stops } from './revert.js'
import { foldRun } from './run-state.js'
import { lastUndoableRun, type FoundRun, type RunPick } from './runs.js'
import type { EngineDeps } from './types.js'
import { readIndex, undoOf } from './undone.js'

/** What a rollback needs of the engine's dependencies (no playbook, options or prompt). */
export type RollbackDeps = Pick<EngineDeps, 'journal' | 'clock' | 'registry' | 'clients' | 'emit' | 'wallNow'>

/** `runId` is the rollback's own run, null when there was nothing left to undo. */
export type RollbackResult = { runId: string | null; source: string; status: 'restored' | 'rollback-incomplete' | 'already-rolled-back'; exitCode: 0 | 3 }

/** A run to roll back; `pick` when it was chosen by `last` (why, and what was passed over). */
export type TargetRun = FoundRun & { pick?: RunPick }

/** The run `target` names: a run id, or `last` (see {@link lastUndoableRun}). */
export async function resolveRun(journal: Journal, target: string): Promise<TargetRun> {
  if (target === 'last') {
    const found = await lastUndoableRun(journal)
    if (!found) throw new UsageError('no run to roll back: no run in this state directory changed anything that is not already rolled back (see `playbook history`)')
    return found
  }
  if (!isRunId(target)) throw new UsageError(`not a run id: ${target} (expected YYYYMMDD-HHMMSS-xxxx; see \`playbook history\`)`)
  const entries = await journal.read(target)
  const state = foldRun(entries)
  if (!state.begin) throw new UsageError(`no run ${target} in this state directory (see \`playbook history\`)`)
  return { runId: target, state }
}

/** Rolls back `target`: a run id, `last`, or a run already resolved (the CLI resolves it to ask first). */
export async function rollback(target: string | TargetRun, deps: RollbackDeps, opts: { force: boolean }): Promise<RollbackResult> {
  const picked = typeof target === 'string' ? await resolveRun(deps.journal, target) : target
  if (picked.state.begin!.mode !== 'run' || picked.state.begin!.rollbackOf) throw new UsageError(`run ${picked.runId} is itself a rollback; roll back the run it undid instead`)
  // Read again: under the lock, the journal is what it is now.
  const index = await readIndex(deps.journal)
  const found: FoundRun = { runId: picked.runId, state: index.find((r) => r.runId === picked.runId)?.state ?? picked.state }
  const undo = undoOf(found.runId, found.state, index)
  const begin = found.state.begin!
  if (picked.pick) deps.emit({ kind: 'rollback-picked', runId: found.runId, playbook: begin.playbook, env: begin.env, ...picked.pick })
  if (undo.status === 'fully') {
    deps.emit({ kind: 'rollback-already-done', source: found.runId, by: undo.by })
    return { runId: null, source: found.runId, status: 'already-rolled-back', exitCode: 0 }
  }
  const runId = newRunId(deps.clock.now(), await deps.journal.runs())
  const rec = new Recorder(deps.journal, runId, deps.clock)
  await rec.write({
    t: 'begin', runId, playbook: begin.playbook, file: begin.file, sha256: begin.sha256, env: begin.env, where: begin.where, mode: 'rollback',
    options: { force: opts.force }, rollbackOf: found.runId, startedAt: (deps.wallNow ?? Date.now)(),
  })
  const left = new Map(undo.steps.map((s) => [s.step, s.left]))
  const targets = revertTargets(found.runId, found.state, deps.registry, left)
  deps.emit({ kind: 'run-start', runId, playbook: begin.playbook, env: begin.env, mode: 'rollback', resumed: false, steps: targets.map((t) => t.step) })
  deps.emit({ kind: 'rollback-start', source: found.runId, steps: targets.map((t) => t.step) })
  const outcome = await revertAll(
    targets,
    {
      pool: new ClientPool(forRun(deps.clients, runId), false),
      clock: deps.clock,
      options: { force: opts.force, skipTtlWait: false, yes: true },
      facts: [...found.state.facts],
      emit: deps.emit,
      approve: async () => false,
      registry: deps.registry,
      force: opts.force,
      signal: new AbortController().signal,
    },
    rec,
  )
  const ok = !stops(outcome)
  const status = ok ? 'restored' : 'rollback-incomplete'
  await rec.write({ t: 'end', status })
  // An interrupted run that is now undone must not be resumed by the next `run`.
  if (ok && !found.state.end) await new Recorder(deps.journal, found.runId, deps.clock).write({ t: 'end', status: 'rolled-back' })
  // Also after a clean rollback: a task passed with --force may leave a job running nowhere.
  await reportLeft(deps.journal, found.runId, outcome, deps.emit)
  const exitCode = ok ? 0 : 3
  deps.emit({ kind: 'run-end', runId, status, exitCode })
  return { runId, source: found.runId, status, exitCode }
}
