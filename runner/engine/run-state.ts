/**
 * Folds the entries of a run into what resume and rollback need: per step, the journaled items
 * (first before-state wins, last `after` wins: a resumed run reuses the original before-state),
 * facts, and whether the run ended.
 */
import type { Fact, ItemState } from '../contract.js'
import type { BeginEntry, EndEntry, JournalEntry } from '../journal/entries.js'

/**
 * `after` is the state the step set last; `afters` every state the run declared it would set
 * (intermediate stages included), any of which a rollback accepts as "as the run left it".
 */
export type JournaledItem = { key: string; before: ItemState; after: ItemState; afters: ItemState[]; summary: string; applied: boolean }

export type JournaledStep = {
  step: string
  type: string
  with: Record<string, unknown>
  /** The step's named targets, as journaled (absent: the defaults). */
  aws?: string
  cluster?: string
  items: Map<string, JournaledItem>
  done: boolean
  failed?: string
}

export type RunState = {
  begin?: BeginEntry
  end?: EndEntry
  /** Steps in the order they were first journaled. */
  steps: JournaledStep[]
  facts: Fact[]
  waits: Array<{ step: string; ms: number; reason: string; virtual: boolean }>
  errors: Array<{ step: string; phase: string; error: string }>
  /** What this run undid (its own rollback after a failure, or a rollback run): per source run and step. */
  reverted: Array<{ source: string; step: string; keys: string[]; passed: string[] }>
}

export function foldRun(entries: readonly JournalEntry[]): RunState {
  const state: RunState = { steps: [], facts: [], waits: [], errors: [], reverted: [] }
  const byId = new Map<string, JournaledStep>()
  const stepOf = (id: string, type = '?', params: Record<string, unknown> = {}) => {
    let s = byId.get(id)
    if (!s) {
      s = { step: id, type, with: params, items: new Map(), done: false }
      byId.set(id, s)
      state.steps.push(s)
    }
    return s
  }
  for (const e of entries) {
    switch (e.t) {
      case 'begin':
        state.begin ??= e
        break
      case 'step': {
        const s = stepOf(e.step, e.type, e.with)
        s.type = e.type
        s.with = e.with
        if (e.aws !== undefined) s.aws = e.aws
        if (e.cluster !== undefined) s.cluster = e.cluster
        break
      }
      case 'item': {
        const s = stepOf(e.step)
        const prior = s.items.get(e.key)
        s.items.set(e.key, {
          key: e.key,
          before: prior ? prior.before : e.before,
          after: e.after,
          afters: [...(prior?.afters ?? []), e.after],
          summary: e.summary,
          applied: prior?.applied ?? false,
        })
        break
      }
      case 'stage':
        stepOf(e.step).items.get(e.key)?.afters.push(e.state)
        break
      case 'applied':
        for (const k of e.keys) {
          const it = stepOf(e.step).items.get(k)
          if (it) it.applied = true
        }
        break
      case 'done': {
        // A step that failed (e.g. interrupted) and then finished in a resumed run is done.
        const st = stepOf(e.step)
        st.done = true
        st.failed = undefined
        break
      }
      case 'failed':
        stepOf(e.step).failed = e.error
        state.errors.push({ step: e.step, phase: e.phase, error: e.error })
        break
      case 'revert-failed':
        state.errors.push({ step: e.step, phase: 'rollback', error: e.error })
        break
      case 'fact':
        state.facts.push({ kind: e.kind, step: e.step, data: e.data })
        break
      case 'wait':
        state.waits.push({ step: e.step, ms: e.ms, reason: e.reason, virtual: e.virtual })
        break
      case 'end':
        state.end = e
        break
      case 'reverted':
        state.reverted.push({ source: e.source, step: e.sourceStep ?? e.step, keys: e.keys, passed: e.passed ?? [] })
        break
      case 'skipped':
      case 'approval':
      case 'reverting':
        break
      default: {
        const never: never = e
        void never
      }
    }
  }
  return state
}

/** Steps that journaled items, newest first: the order rollback undoes them. */
export function stepsToRevert(state: RunState): JournaledStep[] {
  return state.steps.filter((s) => s.items.size > 0).reverse()
}
