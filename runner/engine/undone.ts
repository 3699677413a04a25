/**
 * Rollback bookkeeping, from journals alone. A forward run's undo list is every item of every step
 * that journaled items (what a rollback restores); an item is undone once a `reverted` entry of
 * any run names it with that run as `source`: the run's own rollback after a failure, a
 * `playbook rollback` run, or a run of a generated rollback playbook (its steps name their
 * `restoreFrom` step as `sourceStep`). A run is rolled back only when every such step is.
 */
import type { Journal } from '../journal/journal.js'
import { foldRun, type RunState } from './run-state.js'

/** Every run of a journal, folded, oldest first. */
export type JournalIndex = Array<{ runId: string; state: RunState }>

export async function readIndex(journal: Journal): Promise<JournalIndex> {
  const out: JournalIndex = []
  for (const runId of await journal.runs()) out.push({ runId, state: foldRun(await journal.read(runId)) })
  return out
}

/** One step of a forward run: its item keys, those still applied, and those passed without a write. */
export type StepUndo = { step: string; type: string; keys: string[]; left: string[]; passed: string[] }

export type Undo = {
  /** Steps that journaled items, in run order. */
  steps: StepUndo[]
  /** How many of them have every item undone. */
  undone: number
  /** Other runs that undid something of it, oldest first (the run's own rollback is not listed). */
  by: string[]
  status: 'nothing-applied' | 'none' | 'partly' | 'fully'
}

export function undoOf(runId: string, state: RunState, index: JournalIndex): Undo {
  const reverted = new Map<string, Set<string>>()
  const passed = new Map<string, Set<string>>()
  const by: string[] = []
  const add = (m: Map<string, Set<string>>, step: string, keys: string[]) => {
    const set = m.get(step) ?? new Set<string>()
    for (const k of keys) set.add(k)
    m.set(step, set)
  }
  const runs = index.some((r) => r.runId === runId) ? index : [...index, { runId, state }]
  for (const r of runs) {
    const mine = (r.runId === runId ? state : r.state).reverted.filter((x) => x.source === runId)
    for (const x of mine) {
      add(reverted, x.step, x.keys)
      add(passed, x.step, x.passed)
    }
    if (mine.length > 0 && r.runId !== runId) by.push(r.runId)
  }
  const steps = state.steps
    .filter((s) => s.items.size > 0)
    .map((s): StepUndo => {
      const keys = [...s.items.keys()]
      const done = reverted.get(s.step) ?? new Set<string>()
      return { step: s.step, type: s.type, keys, left: keys.filter((k) => !done.has(k)), passed: keys.filter((k) => passed.get(s.step)?.has(k)) }
    })
  const undone = steps.filter((s) => s.left.length === 0).length
  const touched = steps.some((s) => s.left.length < s.keys.length)
  const status = steps.length === 0 ? 'nothing-applied' : undone === steps.length ? 'fully' : touched ? 'partly' : 'none'
  return { steps, undone, by, status }
}

/** `rolled back by A, B`, `partly rolled back: 2 of 5 steps (by A)`, or '' when nothing is undone. */
export function describeUndo(u: Undo): string {
  const by = u.by.join(', ')
  if (u.status === 'fully') return by ? `rolled back by ${by}` : 'rolled back when it failed'
  if (u.status === 'partly') return `partly rolled back: ${u.undone} of ${u.steps.length} steps${by ? ` (by ${by})` : ''}`
  return ''
}
