/**
 * `history` and `show`: what the journal says about past runs, as data (the CLI formats it).
 */
import type { Journal } from '../journal/journal.js'
import { UsageError } from '../errors.js'
import { foldRun, type RunState } from './run-state.js'
import { resolveRun } from './rollback.js'
import { describeUndo, readIndex, undoOf } from './undone.js'
import { buildReport, type RunReport } from '../report/model.js'
import { maskSecretObjects } from '../render/redact.js'

export type RunSummary = {
  runId: string
  playbook: string
  env: string | null
  mode: 'run' | 'rollback'
  started: string
  /**
   * The end status, `incomplete` (interrupted: a rerun resumes it), followed by
   * `, rolled back by <ids>` or `, partly rolled back: 2 of 5 steps (by <ids>)`.
   */
  status: string
  stepsApplied: number
  rollbackOf?: string
  /** Forward runs something of which is undone: steps rolled back of those that changed something, and by which runs. */
  rolledBack?: { steps: number; of: number; by: string[] }
}

/** Every run, newest first. */
export async function history(journal: Journal): Promise<RunSummary[]> {
  const index = await readIndex(journal)
  const out: RunSummary[] = []
  for (const { runId, state: s } of index) {
    if (!s.begin) continue
    const forward = s.begin.mode === 'run' && !s.begin.rollbackOf
    const undo = forward ? undoOf(runId, s, index) : undefined
    const undone = undo && (undo.status === 'partly' || undo.status === 'fully') ? undo : undefined
    const status = s.end?.status ?? 'incomplete'
    // A run whose own failure was rolled back cleanly already says so in its status.
    const note = undone && !(undone.status === 'fully' && undone.by.length === 0) ? `, ${describeUndo(undone)}` : ''
    out.push({
      runId,
      playbook: s.begin.playbook,
      env: s.begin.env,
      mode: forward ? 'run' : 'rollback',
      // On the run's clock (the sandbox's on the sandbox), as its id and journal are.
      started: new Date(s.begin.at).toISOString(),
      status: status + note,
      stepsApplied: s.steps.filter((st) => st.items.size > 0 && [...st.items.values()].some((i) => i.applied)).length,
      ...(s.begin.rollbackOf ? { rollbackOf: s.begin.rollbackOf } : {}),
      ...(undone ? { rolledBack: { steps: undone.undone, of: undone.steps.length, by: undone.by } } : {}),
    })
  }
  return out.reverse()
}

export type RunDetail = { runId: string; state: RunState; entries: number }

/** One run in detail: steps, items (before/after, applied or in flight), facts, waits, errors. */
export async function show(journal: Journal, runId: string): Promise<RunDetail> {
  if (runId === 'last') {
    const found = await resolveRun(journal, 'last')
    return { runId: found.runId, state: found.state, entries: (await journal.read(found.runId)).length }
  }
  const entries = await journal.read(runId).catch((e) => {
    throw new UsageError((e as Error).message)
  })
  if (entries.length === 0) throw new UsageError(`no run ${runId} in this state directory (see \`playbook history\`)`)
  return { runId, state: foldRun(entries), entries: entries.length }
}

/**
 * The report of one run (runner/report/): its journal, the runs that rolled it back, and for a
 * rollback run the journal of the run it undid.
 */
export async function report(journal: Journal, runId: string): Promise<RunReport> {
  const detail = await show(journal, runId)
  const [entries, index] = await Promise.all([journal.read(detail.runId), readIndex(journal)])
  // The runs that undid it, counted as `history` and `rollback --last` count them.
  const { by: rolledBackBy } = undoOf(detail.runId, detail.state, index)
  const of = detail.state.begin?.rollbackOf
  const source = of ? await journal.read(of).catch(() => undefined) : undefined
  // Defence in depth: Secret values are masked at the source; anything Secret-shaped left is masked
  // before the report flattens states into fields (where it would no longer look like a Secret).
  return buildReport(detail.runId, maskSecretObjects(entries), { rolledBackBy, source: source && maskSecretObjects(source) })
}
