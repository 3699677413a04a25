/**
 * When each step ran, what it waited for (collapsed by reason) and the instants worth a mark on
 * the timeline: change batches, weighted stages, approvals, gate checks, facts, failures.
 */
import type { JournalEntry } from '../journal/entries.js'

export type WaitGroup = {
  /** The reason with its counters dropped (`gate https://... (2/3 ok)` -> `gate https://...`). */
  reason: string
  /** The last wait's full reason (what it waited for, in detail). */
  detail: string
  count: number
  totalMs: number
  /** Each wait as [start, end] on the run clock (the timeline draws them). */
  spans: Array<[number, number]>
}

export type Mark = {
  kind: 'batch' | 'stage' | 'approval' | 'refused' | 'gate' | 'fact' | 'failed' | 'revert'
  at: number
  step: string
  label: string
}

export type StepTiming = {
  id: string
  type: string
  status: 'done' | 'skipped' | 'failed' | 'in progress' | 'restored' | 'rollback failed'
  /** Why it was skipped, or the error it failed with. */
  reason?: string
  startAt: number
  endAt: number
  durationMs: number
  waitedMs: number
  waits: WaitGroup[]
  marks: Mark[]
}

/**
 * The group of a wait: its reason without the parts that change from one wait to the next
 * (counters, details in parentheses, what follows `reason: `), so 40 INSYNC polls are one line.
 */
export function waitReason(reason: string): string {
  const bare = reason.replace(/\s*\([^()]*\)/g, '').trim()
  const head = /^([^:]{3,}?):\s/.exec(bare)
  return head ? head[1] : bare
}

export function groupWaits(waits: Array<{ at: number; ms: number; reason: string }>): WaitGroup[] {
  const groups = new Map<string, WaitGroup>()
  for (const w of waits) {
    const reason = waitReason(w.reason)
    const g = groups.get(reason) ?? { reason, detail: w.reason, count: 0, totalMs: 0, spans: [] }
    g.detail = w.reason
    g.count++
    g.totalMs += w.ms
    g.spans.push([w.at, w.at + w.ms])
    groups.set(reason, g)
  }
  return [...groups.values()]
}

export function stepTimings(entries: readonly JournalEntry[]): StepTiming[] {
  const rows = new Map<string, StepTiming & { waitList: Array<{ at: number; ms: number; reason: string }> }>()
  const row = (id: string, type: string, at: number) => {
    let r = rows.get(id)
    if (!r) {
      r = { id, type, status: 'in progress', startAt: at, endAt: at, durationMs: 0, waitedMs: 0, waits: [], marks: [], waitList: [] }
      rows.set(id, r)
    }
    if (type !== '?') r.type = type
    return r
  }
  const close = (id: string, at: number, status: StepTiming['status'], reason?: string) => {
    const r = row(id, '?', at)
    r.endAt = Math.max(r.endAt, at)
    r.status = status
    r.reason = reason
  }
  for (const e of entries) {
    switch (e.t) {
      case 'step':
        row(e.step, e.type, e.at)
        break
      case 'reverting':
        // A rollback run's rows; inside a forward run the rollback has a row of its own (model.ts).
        if (!rows.has(e.step)) row(e.step, 'rollback', e.at)
        break
      case 'skipped':
        if (!rows.has(e.step)) row(e.step, '?', e.at)
        close(e.step, e.at, 'skipped', e.reason)
        break
      case 'done':
        close(e.step, e.at, 'done')
        break
      case 'failed':
        close(e.step, e.at, 'failed', e.error)
        row(e.step, '?', e.at).marks.push({ kind: 'failed', at: e.at, step: e.step, label: `${e.phase} failed: ${e.error}` })
        break
      case 'reverted': {
        const r = rows.get(e.step)
        if (r && r.type === 'rollback') close(e.step, e.at, 'restored')
        break
      }
      case 'revert-failed': {
        const r = rows.get(e.step)
        if (r && r.type === 'rollback') close(e.step, e.at, 'rollback failed', e.error)
        break
      }
      case 'wait': {
        const r = row(e.step, '?', e.at)
        r.waitList.push({ at: e.at, ms: e.ms, reason: e.reason })
        r.endAt = Math.max(r.endAt, e.at + e.ms)
        if (/^gate /.test(e.reason)) r.marks.push({ kind: 'gate', at: e.at, step: e.step, label: e.reason })
        break
      }
      case 'applied': {
        const r = row(e.step, '?', e.at)
        r.endAt = Math.max(r.endAt, e.at)
        r.marks.push({ kind: 'batch', at: e.at, step: e.step, label: `${e.keys.length} item${e.keys.length === 1 ? '' : 's'} changed` })
        break
      }
      case 'stage': {
        const r = row(e.step, '?', e.at)
        const prev = r.marks.at(-1)
        if (!(prev?.kind === 'stage' && prev.at === e.at)) r.marks.push({ kind: 'stage', at: e.at, step: e.step, label: 'stage journaled' })
        break
      }
      case 'approval': {
        const r = row(e.step, '?', e.at)
        r.marks.push({ kind: e.granted ? 'approval' : 'refused', at: e.at, step: e.step, label: `${e.question} → ${e.granted ? 'approved' : 'refused'}` })
        r.endAt = Math.max(r.endAt, e.at)
        break
      }
      case 'fact': {
        const r = row(e.step, '?', e.at)
        r.endAt = Math.max(r.endAt, e.at)
        break
      }
      case 'begin':
      case 'item':
      case 'end':
        break
      default: {
        const never: never = e
        void never
      }
    }
  }
  return [...rows.values()].map(({ waitList, ...r }) => {
    const waits = groupWaits(waitList)
    return { ...r, durationMs: r.endAt - r.startAt, waitedMs: waits.reduce((n, w) => n + w.totalMs, 0), waits }
  })
}
