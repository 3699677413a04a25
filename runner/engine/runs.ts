/** Finding runs in a journal: the one to resume, the latest of a playbook, `last`. */
import { canonicalJson } from '../canonical.js'
import type { Journal } from '../journal/journal.js'
import { foldRun, type RunState } from './run-state.js'
import { describeUndo, readIndex, undoOf } from './undone.js'

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

/** Why `rollback --last` picked a run, and why it passed over each newer one (newest first). */
export type RunPick = { reason: string; passedOver: Array<{ runId: string; playbook: string; why: string }> }

/**
 * What `rollback --last` means: the latest forward run that changed something and is not rolled
 * back in full (see undone.ts); a no-op rerun, a rollback, or an undone run is passed over.
 */
export async function lastUndoableRun(journal: Journal): Promise<(FoundRun & { pick: RunPick }) | undefined> {
  const index = await readIndex(journal)
  const passedOver: RunPick['passedOver'] = []
  for (let i = index.length - 1; i >= 0; i--) {
    const { runId, state } = index[i]
    const b = state.begin
    if (!b) continue
    const over = (why: string) => passedOver.push({ runId, playbook: b.playbook, why })
    if (b.mode !== 'run' || b.rollbackOf) {
      over(b.rollbackOf ? `a rollback of ${b.rollbackOf}` : 'a rollback')
      continue
    }
    const u = undoOf(runId, state, index)
    if (u.status === 'nothing-applied') over('changed nothing')
    else if (u.status === 'fully') over(describeUndo(u))
    else {
      const latest = 'the latest run that changed something and is not rolled back'
      const by = u.by.length ? `, by ${u.by.join(', ')}` : ''
      const reason = u.status === 'partly' ? `${latest}: partly rolled back (${u.undone} of ${u.steps.length} steps${by}); undoing the rest` : latest
      return { runId, state, pick: { reason, passedOver } }
    }
  }
  return undefined
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
