/**
 * What a rollback that stopped left behind, as one `rollback-left` event: the steps and items of
 * the source run still applied (newest first, the order a rollback takes them), the scheduled
 * jobs now running on neither side, and the command that continues. Computed from the journals
 * after the rollback's own entries are written, so it is what a rerun would find.
 */
import type { Emit } from '../events.js'
import type { Journal } from '../journal/journal.js'
import { needsForce, type RevertOutcome } from './revert.js'
import { strandedJobs } from './stranded-jobs.js'
import { readIndex, undoOf } from './undone.js'

/** Emits `rollback-left` when something is left or a job is stranded; otherwise nothing. */
export async function reportLeft(journal: Journal, source: string, outcome: RevertOutcome, emit: Emit): Promise<void> {
  const index = await readIndex(journal)
  const state = index.find((r) => r.runId === source)?.state
  if (!state) return
  const undo = undoOf(source, state, index)
  const steps = [...undo.steps].reverse().filter((s) => s.left.length > 0).map((s) => ({ step: s.step, keys: s.left }))
  const jobs = strandedJobs(state, undo)
  if (steps.length === 0 && jobs.length === 0) return
  const command = steps.length > 0 ? `playbook rollback ${source}${needsForce(outcome) ? ' --force' : ''}` : null
  emit({ kind: 'rollback-left', source, steps, jobs, command })
}
