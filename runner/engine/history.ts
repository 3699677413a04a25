/**
 * `history` and `show`: what the journal says about past runs, as data (the CLI formats it).
 */
import type { Journal } from '../journal/journal.js'
import { UsageError } from '../errors.js'
import { foldRun, type RunState } from './run-state.js'
import { resolveRun } from './rollback.js'
import { buildReport, type RunReport } from '../report/model.js'

export type RunSummary = {
  runId: string
  playbook: string
  env: string | null
  mode: 'run' | 'rollback'
  started: string
  /** The end status, `incomplete` (interrupted: a rerun resumes it) or `rolled back by <id>`. */
  status: string
  stepsApplied: number
  rollbackOf?: string
}

/** Every run, newest first. */
export async function history(journal: Journal): Promise<RunSummary[]> {
  const out: RunSummary[] = []
  const undoneBy = new Map<string, string>()
  for (const runId of await journal.runs()) {
    const s = foldRun(await journal.read(runId))
    if (!s.begin) continue
    if (s.begin.rollbackOf && s.end?.status === 'restored') undoneBy.set(s.begin.rollbackOf, runId)
    if (s.begin.rollbackOf && s.end?.status === 'done') undoneBy.set(s.begin.rollbackOf, runId)
    out.push({
      runId,
      playbook: s.begin.playbook,
      env: s.begin.env,
      mode: s.begin.mode === 'rollback' || s.begin.rollbackOf ? 'rollback' : 'run',
      // On the run's clock (the sandbox's on the sandbox), as its id and journal are.
      started: new Date(s.begin.at).toISOString(),
      status: s.end?.status ?? 'incomplete',
      stepsApplied: s.steps.filter((st) => st.items.size > 0 && [...st.items.values()].some((i) => i.applied)).length,
      ...(s.begin.rollbackOf ? { rollbackOf: s.begin.rollbackOf } : {}),
    })
  }
  for (const r of out) {
    const by = undoneBy.get(r.runId)
    if (by) r.status = `${r.status}, rolled back by ${by}`
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
  const entries = await journal.read(detail.runId)
  const rolledBackBy: string[] = []
  for (const id of await journal.runs()) {
    if (id === detail.runId) continue
    const begin = (await journal.read(id)).find((e) => e.t === 'begin')
    if (begin?.t === 'begin' && begin.rollbackOf === detail.runId) rolledBackBy.push(id)
  }
  const of = detail.state.begin?.rollbackOf
  const source = of ? await journal.read(of).catch(() => undefined) : undefined
  return buildReport(detail.runId, entries, { rolledBackBy, source })
}
