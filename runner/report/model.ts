/**
 * The run report as data: what `show` prints, `show --output json` emits and `show --html`
 * draws. Built from a run's journal entries alone (times are the run's clock: the sandbox's
 * virtual clock on the sandbox), so a report of a run is the same on any machine.
 */
import type { JournalEntry } from '../journal/entries.js'
import { foldRun, type JournaledItem } from '../engine/run-state.js'
import { cronGaps, type CronGap } from './cron.js'
import { fieldChanges, type FieldChange } from './diff.js'
import { dnsWindows, type DnsZone } from './dns.js'
import { labelOf } from './labels.js'
import { stepTimings, type Mark, type StepTiming, type WaitGroup } from './timing.js'

export const REPORT_VERSION = 1 as const

export type ChangeReport = {
  key: string
  /** The item in words: `orders.test.example.com. CNAME`, `Deployment shop-test/orders`. */
  label: string
  /** The plan's one-line summary. */
  summary: string
  op: 'create' | 'delete' | 'update'
  /** True when the call that changed it returned (false: in flight when the run stopped). */
  applied: boolean
  /** Restored by a rollback of this run (automatic, or a later `playbook rollback`). */
  reverted: boolean
  fields: FieldChange[]
  /** Fields past the report's limit per change. */
  moreFields: number
}

export type StepReport = StepTiming & { type: string; changes: ChangeReport[] }

export type RunReport = {
  version: typeof REPORT_VERSION
  runId: string
  playbook: string
  env: string | null
  mode: 'run' | 'rollback'
  file: string
  /** `done`, `rolled-back`, `restored`, ... or `incomplete` (a rerun resumes it). */
  status: string
  /** `virtual`: the sandbox's clock, on which waits pass at once but count in full. */
  clock: 'virtual' | 'wall'
  startedAt: number
  endedAt: number
  durationMs: number
  waitedMs: number
  changed: number
  rollbackOf?: string
  /** Runs that rolled this one back (a rollback, or a rollback playbook's run). */
  rolledBackBy: string[]
  steps: StepReport[]
  /** The rollback a failed step started inside this run, as its own rows of the timeline. */
  rollback?: { startedAt: number; endedAt: number; steps: string[]; marks: Mark[] }
  dns: DnsZone[]
  cron: CronGap[]
  errors: Array<{ step: string; phase: string; error: string; at: number }>
}

export type { CronGap, DnsZone, FieldChange, Mark, WaitGroup }

const FIELD_LIMIT = 40

/**
 * `related.rolledBackBy`: the runs that undid this one; `related.source`: for a rollback run, the
 * entries of the run it undid (its journal holds the states that the rollback wrote back).
 */
export function buildReport(runId: string, entries: readonly JournalEntry[], related: { rolledBackBy?: string[]; source?: readonly JournalEntry[] } = {}): RunReport {
  const begin = entries.find((e) => e.t === 'begin')
  if (!begin) throw new Error(`run ${runId} has no begin entry`)
  const end = entries.findLast((e) => e.t === 'end')
  const last = entries.at(-1)!
  const timings = stepTimings(entries)
  const reverted = new Set(entries.flatMap((e) => (e.t === 'reverted' ? e.keys.map((k) => `${e.step}\0${k}`) : [])))
  const items = itemsByStep(entries)
  const sourceItems = related.source ? itemsByStep(related.source) : undefined
  const steps: StepReport[] = timings.map((t) => ({
    ...t,
    changes: t.type === 'rollback' && sourceItems ? restoresOf(entries, sourceItems.get(t.id), t.id) : changesOf(items.get(t.id), t.id, reverted),
  }))
  const waitedMs = entries.reduce((n, e) => n + (e.t === 'wait' ? e.ms : 0), 0)
  const revertEntries = entries.filter((e) => e.t === 'reverting' || e.t === 'reverted' || e.t === 'revert-failed')
  return {
    version: REPORT_VERSION,
    runId,
    playbook: begin.playbook,
    env: begin.env,
    mode: begin.mode === 'rollback' || begin.rollbackOf ? 'rollback' : 'run',
    file: begin.file,
    status: end?.status ?? 'incomplete',
    clock: entries.some((e) => e.t === 'wait' && e.virtual) ? 'virtual' : 'wall',
    startedAt: begin.at,
    endedAt: last.at,
    durationMs: last.at - begin.at,
    waitedMs,
    changed: steps.reduce((n, s) => n + s.changes.filter((c) => c.applied).length, 0),
    ...(begin.rollbackOf ? { rollbackOf: begin.rollbackOf } : {}),
    rolledBackBy: related.rolledBackBy ?? [],
    steps,
    ...(begin.mode === 'run' && revertEntries.length > 0
      ? {
          rollback: {
            startedAt: revertEntries[0].at,
            endedAt: revertEntries.at(-1)!.at,
            steps: [...new Set(revertEntries.map((e) => e.step))],
            marks: revertEntries.map((e) => ({ kind: e.t === 'revert-failed' ? 'failed' : 'revert', at: e.at, step: e.step, label: e.t === 'revert-failed' ? `rollback of ${e.step} failed: ${e.error}` : `${e.t} ${e.step} (${e.keys.length} item${e.keys.length === 1 ? '' : 's'})` }) as Mark),
          },
        }
      : {}),
    dns: dnsWindows(entries),
    cron: cronGaps(entries),
    errors: entries.flatMap((e) => (e.t === 'failed' ? [{ step: e.step, phase: e.phase, error: e.error, at: e.at }] : e.t === 'revert-failed' ? [{ step: e.step, phase: 'rollback', error: e.error, at: e.at }] : [])),
  }
}

/** Each step's journaled items (first before-state, last after-state, applied or not), as resume and rollback fold them. */
const itemsByStep = (entries: readonly JournalEntry[]): Map<string, Map<string, JournaledItem>> => new Map(foldRun(entries).steps.map((st) => [st.step, st.items]))

function change(it: JournaledItem, from: unknown, to: unknown, summary: string, applied: boolean, reverted: boolean): ChangeReport {
  const fields = fieldChanges(from, to)
  return {
    key: it.key,
    label: labelOf(it.key),
    summary,
    op: from === null ? 'create' : to === null ? 'delete' : 'update',
    applied,
    reverted,
    fields: fields.slice(0, FIELD_LIMIT),
    moreFields: Math.max(0, fields.length - FIELD_LIMIT),
  }
}

function changesOf(items: Map<string, JournaledItem> | undefined, step: string, reverted: Set<string>): ChangeReport[] {
  return [...(items?.values() ?? [])].map((it) => change(it, it.before, it.after, it.summary, it.applied, reverted.has(`${step}\0${it.key}`)))
}

/** A rollback run's changes: the items of the undone run it restored, from what the run set back to what it found. */
function restoresOf(entries: readonly JournalEntry[], items: Map<string, JournaledItem> | undefined, step: string): ChangeReport[] {
  const restored = new Set(entries.flatMap((e) => (e.t === 'reverted' && e.step === step ? e.keys : [])))
  return [...(items?.values() ?? [])].filter((it) => restored.has(it.key)).map((it) => change(it, it.after, it.before, `restore ${labelOf(it.key)}`, true, false))
}
