/**
 * `run(playbook, deps)`: executes a playbook with a write-ahead journal.
 *
 * Guarantees: `begin` is durable before any step runs; every change's before-state is durable
 * before the step's `apply` is called; a step with nothing to change is journaled `skipped` and
 * no apply happens (idempotence). A rerun of the same file in the same environment whose last
 * run did not end resumes that run: steps are observed again, and for items journaled before the
 * crash the journaled before-state is kept, not the state observed now. On failure the run is
 * rolled back (newest step first) or stopped, as the step's `onFailure` says. Returns data; never
 * prints or exits.
 *
 * Before anything is journaled or written, the preflight (preflight.ts) plans every step the run
 * will run; if one cannot be planned the run is refused (exit code 2) with nothing journaled, so a
 * refused new run is neither resumable nor something to roll back, and a refused resume leaves
 * the run it would resume as it was.
 */
import type { Change, StepType } from '../contract.js'
import { Interrupted, PreflightRefused, StepFailed, UsageError, messageOf } from '../errors.js'
import { newRunId } from '../journal/run-id.js'
import type { RunStatus } from '../journal/entries.js'
import { ClientPool, forRun } from './clients.js'
import { applyContext, stepContext, type ContextBase } from './context.js'
import { preflight } from './preflight.js'
import { selectionSkip } from './planner.js'
import { Recorder } from './recorder.js'
import { reportLeft } from './left.js'
import { revertAll, revertStep, inverseOf, stops, type RevertEnv, type RevertTarget } from './revert.js'
import { foldRun, stepsToRevert, type RunState } from './run-state.js'
import { resumableRun, sourceRun, type FoundRun } from './runs.js'
import { withTimeout } from './timeout.js'
import { targetedType, targetOf } from './targets.js'
import type { EngineDeps, Playbook, ResolvedStep, RunResult } from './types.js'

const EXIT_OF: Record<RunResult['status'], RunResult['exitCode']> = {
  done: 0, restored: 0, failed: 1, 'rolled-back': 1, declined: 1, interrupted: 130, refused: 2, 'rollback-incomplete': 3,
}

export function checkSelection(playbook: Playbook, opts: { from?: string; only?: string }): void {
  for (const [flag, id] of [['--from', opts.from], ['--only', opts.only]] as const) {
    if (id !== undefined && !playbook.steps.some((s) => s.id === id)) {
      throw new UsageError(`${flag} ${id}: no such step in ${playbook.name} (steps: ${playbook.steps.map((s) => s.id).join(', ')})`)
    }
  }
}

export async function run(playbook: Playbook, deps: EngineDeps): Promise<RunResult> {
  const { journal, emit, options } = deps
  if (options.dryRun) throw new UsageError('run() was asked for a dry run; use plan()')
  checkSelection(playbook, options)
  const env = playbook.env?.name ?? null
  const found = await resumableRun(journal, playbook.name, env, deps.source.sha256, playbook.vars)
  if (found === 'changed') emit({ kind: 'notice', level: 'warn', message: `the last run of ${playbook.name} did not finish, but the file or its vars changed since: starting a new run (roll the old one back with \`playbook rollback <run-id>\`)` })
  const resumed = typeof found === 'object' ? found : undefined
  const runId = resumed?.runId ?? deps.runId ?? newRunId(deps.clock.now(), await journal.runs())
  const rec = new Recorder(journal, runId, deps.clock)
  // A resumed rollback-playbook run keeps restoring the run it started on.
  const pinned = resumed?.state.begin?.rollbackOf
  const source = playbook.rollbackOf ? await sourceRun(journal, pinned ? { ...playbook.rollbackOf, run: pinned } : playbook.rollbackOf, env) : undefined
  const prior: RunState = resumed?.state ?? foldRun([])
  const clients = forRun(deps.clients, runId)
  const unplannable = await preflight(playbook, { ...deps, clients }, prior, source)
  if (unplannable.length > 0) {
    for (const s of unplannable) emit({ kind: 'step-failed', step: s.step, phase: 'preflight', error: new PreflightRefused(s.step, s.error).message })
    emit({ kind: 'notice', level: 'warn', message: `run refused by its preflight: ${unplannable.length} step(s) cannot be planned (${unplannable.map((s) => s.step).join(', ')}); nothing was changed${resumed ? ` and run ${runId} stays as it was (rerun to resume it, or roll it back)` : ' and no run was journaled'}` })
    emit({ kind: 'run-end', runId, status: 'refused', exitCode: EXIT_OF.refused })
    return { runId, status: 'refused', exitCode: EXIT_OF.refused, resumed: !!resumed }
  }
  if (!resumed) {
    await rec.write({
      t: 'begin', runId, playbook: playbook.name, file: deps.source.file, sha256: deps.source.sha256, env, mode: 'run',
      where: whereOf(playbook),
      options: { ...options }, vars: playbook.vars, startedAt: (deps.wallNow ?? Date.now)(), ...(source ? { rollbackOf: source.runId } : {}),
    })
  }
  emit({ kind: 'run-start', runId, playbook: playbook.name, env, mode: 'run', resumed: !!resumed, steps: playbook.steps.map((s) => s.id) })
  if (resumed) emit({ kind: 'notice', level: 'info', message: `resuming run ${runId}: finished steps are checked again, journaled before-states are kept` })

  const base: ContextBase = {
    runId,
    pool: new ClientPool(clients, false),
    clock: deps.clock,
    options: { force: options.force, skipTtlWait: options.skipTtlWait, yes: options.yes },
    facts: [...prior.facts],
    emit,
    approve: (step, question) => approve(deps, step, question, rec),
  }
  const finish = async (status: RunResult['status']): Promise<RunResult> => {
    // Declined or interrupted runs stay open: the next run of the same playbook resumes them.
    if (status !== 'declined' && status !== 'interrupted') await rec.write({ t: 'end', status: status as RunStatus })
    const exitCode = EXIT_OF[status]
    emit({ kind: 'run-end', runId, status, exitCode })
    return { runId, status, exitCode, resumed: !!resumed }
  }

  const started = options.from === undefined
  let reached = started
  for (const step of playbook.steps) {
    if (deps.interrupt?.aborted) return finish('interrupted')
    reached ||= step.id === options.from
    const skip = selectionSkip(step, reached, options)
    if (skip) {
      await rec.write({ t: 'skipped', step: step.id, reason: skip })
      emit({ kind: 'step-skipped', step: step.id, reason: skip })
      continue
    }
    if (step.pause !== undefined && !(await approve(deps, step.id, step.pause, rec))) {
      emit({ kind: 'notice', level: 'warn', message: `approval for step ${step.id} refused: the run stops here; rerun to resume it, or roll it back` })
      return finish('declined')
    }
    const type = deps.registry.get(step.type)
    if (!type) throw new UsageError(`step ${step.id}: unknown step type ${step.type}`)
    await rec.write({ t: 'step', step: step.id, type: step.type, with: step.with, ...targetOf(step) })
    emit({ kind: 'step-start', step: step.id, type: step.type, description: step.description })

    const revEnv: RevertEnv = { ...base, registry: deps.registry, force: options.force, signal: new AbortController().signal }
    if (step.restoreFrom !== undefined) {
      const outcome = await restoreStep(step, source, revEnv, rec, journal)
      if (outcome === 'incomplete') return finish('rollback-incomplete')
      continue
    }
    try {
      await forwardStep(step, type, base, rec, prior, deps.interrupt)
    } catch (e) {
      const err = e instanceof StepFailed ? e : new StepFailed(step.id, 'apply', e)
      await rec.write({ t: 'failed', step: step.id, phase: err.phase, error: messageOf(err) })
      emit({ kind: 'step-failed', step: step.id, phase: err.phase, error: messageOf(err) })
      if (err.phase === 'interrupted') return finish('interrupted')
      if (step.onFailure === 'stop') return finish('failed')
      const targets = revertTargets(runId, foldRun(await journal.read(runId)), deps.registry)
      emit({ kind: 'rollback-start', source: runId, steps: targets.map((t) => t.step) })
      const outcome = await revertAll(targets, revEnv, rec)
      if (stops(outcome)) await reportLeft(journal, runId, outcome, emit)
      return finish(stops(outcome) ? 'rollback-incomplete' : 'rolled-back')
    }
  }
  return finish('done')
}

/** The journaled `where` of a run: the default target and every named one. */
function whereOf(playbook: Playbook) {
  const { aws = {}, clusters = {} } = playbook.targets ?? {}
  return {
    region: playbook.env?.region, profile: playbook.env?.profile, context: playbook.env?.context,
    ...(Object.keys(aws).length > 0 ? { aws } : {}),
    ...(Object.keys(clusters).length > 0 ? { clusters } : {}),
  }
}

async function forwardStep(step: ResolvedStep, rawType: StepType, base: ContextBase, rec: Recorder, prior: RunState, interrupt?: AbortSignal): Promise<void> {
  const { emit } = base
  // Item keys of a named target carry its prefix from here on (targets.ts).
  const target = targetOf(step)
  const type = targetedType(rawType, target)
  await withTimeout(step.id, step.timeoutMs, async (signal) => {
    const ctx = stepContext(base, step.id, signal, target)
    const observed = await type.observe(ctx, step.params).catch((e) => {
      throw new StepFailed(step.id, signal.aborted ? phaseOf(signal.reason) : 'observe', e)
    })
    let changes: Change[]
    try {
      changes = type.diff(step.params, observed)
    } catch (e) {
      throw new StepFailed(step.id, 'diff', e)
    }
    const notes = type.notes?.(ctx, step.params, observed, changes) ?? []
    emit({ kind: 'step-plan', step: step.id, type: step.type, changes, notes, irreversible: type.irreversible })
    const resumedStep = prior.steps.find((s) => s.step === step.id && !s.done)
    const journaled = resumedStep?.items
    // Items changed before a crash that the diff no longer lists: the step must still finish them.
    const unfinished: Change[] = [...(journaled?.values() ?? [])]
      .filter((it) => !changes.some((c) => c.key === it.key))
      .map((it) => ({ key: it.key, before: it.before, after: it.after, summary: it.summary }))
    const actx = applyContext(base, rec, step.id, signal, async (keys) => {
      await rec.write({ t: 'applied', step: step.id, keys })
      emit({ kind: 'item-applied', step: step.id, keys })
    }, target)
    const settle = async () => {
      if (unfinished.length === 0 || !type.settle) return
      await type.settle(actx, step.params, unfinished).catch((e) => {
        throw e instanceof StepFailed ? e : new StepFailed(step.id, signal.aborted ? phaseOf(signal.reason) : 'settle', e)
      })
    }
    if (changes.length === 0) {
      if (unfinished.length > 0) {
        await settle()
        await rec.write({ t: 'done', step: step.id, changed: 0 })
        emit({ kind: 'step-done', step: step.id, changed: 0 })
        return
      }
      await rec.write({ t: 'skipped', step: step.id, reason: 'nothing to change' })
      emit({ kind: 'step-skipped', step: step.id, reason: 'nothing to change' })
      return
    }
    // One durable write for all before-states, still complete before apply is called.
    await rec.writeMany(changes.map((c) => {
      const before = journaled?.has(c.key) ? journaled.get(c.key)!.before : c.before
      return { t: 'item' as const, step: step.id, key: c.key, before, after: c.after, summary: c.summary }
    }))
    await type.apply(actx, step.params, changes).catch((e) => {
      throw e instanceof StepFailed ? e : new StepFailed(step.id, signal.aborted ? phaseOf(signal.reason) : 'apply', e)
    })
    await settle()
    await rec.write({ t: 'done', step: step.id, changed: changes.length })
    emit({ kind: 'step-done', step: step.id, changed: changes.length })
  }, interrupt).catch((e) => {
    throw e instanceof StepFailed ? e : new StepFailed(step.id, phaseOf(e), e)
  })
}

const phaseOf = (reason: unknown) => (reason instanceof Interrupted ? 'interrupted' : 'timeout')

/** A step of a generated rollback playbook: restore the journaled items of `restoreFrom`. */
async function restoreStep(step: ResolvedStep, source: FoundRun | undefined, env: RevertEnv, rec: Recorder, journal: EngineDeps['journal']): Promise<'ok' | 'incomplete'> {
  const forward = source?.state.steps.find((s) => s.step === step.restoreFrom)
  if (!source || !forward || forward.items.size === 0) {
    const reason = source ? `run ${source.runId} changed nothing in step ${step.restoreFrom}` : 'no run of the playbook to restore was found'
    await rec.write({ t: 'skipped', step: step.id, reason })
    env.emit({ kind: 'step-skipped', step: step.id, reason })
    return 'ok'
  }
  const outcome = await revertStep(
    // The forward step's journaled target decides where its items are (and their keys' prefix).
    { step: step.id, sourceStep: forward.step, source: source.runId, forwardType: forward.type, restore: { type: step.type, params: step.params }, items: [...forward.items.values()], target: targetOf(forward) },
    env,
    rec,
  )
  if (!stops(outcome)) {
    env.emit({ kind: 'step-done', step: step.id, changed: forward.items.size })
    return 'ok'
  }
  await reportLeft(journal, source.runId, outcome, env.emit)
  return 'incomplete'
}

/**
 * Every journaled step of a run as revert targets, newest first; with `left`, only the items it
 * names per step (what earlier rollbacks have not undone), and only steps with some left.
 */
export function revertTargets(runId: string, state: RunState, registry: EngineDeps['registry'], left?: ReadonlyMap<string, readonly string[]>): RevertTarget[] {
  const steps = stepsToRevert(state).filter((s) => !left || (left.get(s.step)?.length ?? 0) > 0)
  return steps.map((s) => {
    let restore: RevertTarget['restore'] = { type: s.type, params: s.with }
    try {
      restore = inverseOf(registry, s.step, s.type, s.with)
    } catch {
      // Unknown type: revertStep reports it with the step named.
    }
    const items = [...s.items.values()].filter((it) => !left || left.get(s.step)!.includes(it.key))
    return { step: s.step, sourceStep: s.step, source: runId, forwardType: s.type, restore, items, target: targetOf(s) }
  })
}

/** Asks (or takes --yes), and journals the answer: the report shows who waited for whom, and when. */
async function approve(deps: EngineDeps, step: string, question: string, rec: Recorder): Promise<boolean> {
  const granted = deps.options.yes ? true : await deps.prompt(question).catch(() => false)
  await rec.write({ t: 'approval', step, question, granted })
  deps.emit({ kind: 'approval', step, question, granted })
  return granted
}
