/** Finding runs in a journal: the one to resume, the latest of a playbook, `last`. */
import { canonicalJson } from '../canonical.js'
import type { Journal } from '../journal/journal.js'
import { foldRun, type RunState } from './run-state.js'

export type FoundRun = { runId: string; state: RunState }

/** Newest run matching `pred`, newest first scan. */
export async function findRun(journal: Journal, pred: (s: RunState) => boolean): Promise<FoundRun | undefined> {
  const ids = await journal.runs()
  for (let i = ids.length - 1; i >= 0; i--) {
    const state = foldRun(await journal.read(ids[i]))
    if (state.begin && pred(state)) return { runId: ids[i], state }
  }
  return undefined
}

const changedSomething = (s: RunState) => s.steps.some((st) => st.items.size > 0)

/** The latest forward run of `playbook` (in environment `env`) that changed something. */
export function latestRunOf(journal: Journal, playbook: string, env: string | null): Promise<FoundRun | undefined> {
  return findRun(journal, (s) => s.begin!.mode === 'run' && s.begin!.playbook === playbook && s.begin!.env === env && !s.begin!.rollbackOf && changedSomething(s))
}

/**
 * What `rollback --last` means: the latest forward run that changed something and has not been
 * rolled back since (a no-op rerun or an undone run is passed over).
 */
export async function lastUndoableRun(journal: Journal): Promise<FoundRun | undefined> {
  const undone = new Set<string>()
  return findRun(journal, (s) => {
    const b = s.begin!
    // `playbook rollback` runs end `restored`; runs of a generated rollback playbook end `done`.
    if (b.rollbackOf && (s.end?.status === 'restored' || (b.mode === 'run' && s.end?.status === 'done'))) undone.add(b.rollbackOf)
    return b.mode === 'run' && !b.rollbackOf && changedSomething(s) && s.end?.status !== 'rolled-back' && !undone.has(s.begin!.runId)
  })
}

/**
 * The run a new invocation resumes: the latest run of the same playbook, if it did not end and
 * was made from the same file (sha256) in the same environment with the same vars.
 */
export async function resumableRun(journal: Journal, playbook: string, env: string | null, sha256: string, vars?: Record<string, unknown>): Promise<FoundRun | 'changed' | undefined> {
  const last = await findRun(journal, (s) => s.begin!.mode === 'run' && s.begin!.playbook === playbook && s.begin!.env === env)
  if (!last || last.state.end) return undefined
  const b = last.state.begin!
  const sameVars = vars === undefined || b.vars === undefined || canonicalJson(b.vars) === canonicalJson(vars)
  return b.sha256 === sha256 && sameVars ? last : 'changed'
}

/** The forward run a rollback playbook restores: the pinned `run`, else the latest of `playbook`. */
export async function sourceRun(journal: Journal, of: { playbook: string; run?: string }, env: string | null): Promise<FoundRun | undefined> {
  if (of.run === undefined) return latestRunOf(journal, of.playbook, env)
  const state = foldRun(await journal.read(of.run))
  return state.begin?.playbook === of.playbook ? { runId: of.run, state } : undefined
}
