/**
 * `rollback(runId | 'last', deps, {force})`: undoes what a run changed, from its journal alone.
 * Steps newest first; each item is drift-checked before it is restored (see revert.ts).
 * The rollback has its own journal (mode `rollback`, linked to the run by `rollbackOf`); it can
 * be rerun after a crash and finishes the job (items already restored are left alone).
 * An irreversible step stops the rollback unless `force`. Exit code 0 when everything journaled
 * is back, 3 otherwise.
 */
import { UsageError } from '../errors.js'
import type { Journal } from '../journal/journal.js'
import { isRunId, newRunId } from '../journal/run-id.js'
import { ClientPool } from './clients.js'
import { revertTargets } from './execute.js'
import { Recorder } from './recorder.js'
import { revertAll } from './revert.js'
import { foldRun } from './run-state.js'
import { lastUndoableRun, type FoundRun } from './runs.js'
import type { EngineDeps } from './types.js'

/** What a rollback needs of the engine's dependencies (no playbook, options or prompt). */
export type RollbackDeps = Pick<EngineDeps, 'journal' | 'clock' | 'registry' | 'clients' | 'emit' | 'wallNow'>

export type RollbackResult = { runId: string; source: string; status: 'restored' | 'rollback-incomplete'; exitCode: 0 | 3 }

/** The run `target` names: a run id, or `last` (see {@link lastUndoableRun}). */
export async function resolveRun(journal: Journal, target: string): Promise<FoundRun> {
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

export async function rollback(target: string, deps: RollbackDeps, opts: { force: boolean }): Promise<RollbackResult> {
  const found = await resolveRun(deps.journal, target)
  if (found.state.begin!.mode !== 'run') throw new UsageError(`run ${found.runId} is itself a rollback; roll back the run it undid instead`)
  const begin = found.state.begin!
  const runId = newRunId(deps.clock.now(), await deps.journal.runs())
  const rec = new Recorder(deps.journal, runId, deps.clock)
  await rec.write({
    t: 'begin', runId, playbook: begin.playbook, file: begin.file, sha256: begin.sha256, env: begin.env, where: begin.where, mode: 'rollback',
    options: { force: opts.force }, rollbackOf: found.runId, startedAt: (deps.wallNow ?? Date.now)(),
  })
  const targets = revertTargets(found.runId, found.state, deps.registry)
  deps.emit({ kind: 'run-start', runId, playbook: begin.playbook, env: begin.env, mode: 'rollback', resumed: false, steps: targets.map((t) => t.step) })
  deps.emit({ kind: 'rollback-start', source: found.runId, steps: targets.map((t) => t.step) })
  const ok = await revertAll(
    targets,
    {
      pool: new ClientPool(deps.clients, false),
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
  const status = ok ? 'restored' : 'rollback-incomplete'
  await rec.write({ t: 'end', status })
  // An interrupted run that is now undone must not be resumed by the next `run`.
  if (ok && !found.state.end) await new Recorder(deps.journal, found.runId, deps.clock).write({ t: 'end', status: 'rolled-back' })
  const exitCode = ok ? 0 : 3
  deps.emit({ kind: 'run-end', runId, status, exitCode })
  return { runId, source: found.runId, status, exitCode }
}
