/** Renderers that attach to engine events: plain lines (no TTY) and JSON lines (`--output json`). */
import type { Clock } from '../clock.js'
import type { EngineEvent, Emit } from '../events.js'
import { formatDuration, formatEvent } from './format.js'
import { maskSecretObjects } from './redact.js'

export type Write = (text: string) => void

/**
 * One or more text lines per event. In a run, per-step plans are shown only when they change
 * something, and a streak of waits for the same reason (polling for INSYNC) prints once plus a count.
 */
export function plainRenderer(write: Write, opts: { verbosePlans?: boolean } = {}): Emit {
  let streak: { key: string; count: number; ms: number } | undefined
  const flush = () => {
    if (streak && streak.count > 1) write(`  … (${streak.count - 1} more, ${formatDuration(streak.ms)} waited in all)\n`)
    streak = undefined
  }
  return (raw: EngineEvent) => {
    const e = maskSecretObjects(raw)
    if (e.kind === 'step-plan' && !opts.verbosePlans && e.changes.length === 0 && e.notes.length === 0) return
    if (e.kind === 'wait') {
      const key = `${e.step}\0${e.reason}`
      if (streak?.key === key) {
        streak.count++
        streak.ms += e.ms
        return
      }
      flush()
      streak = { key, count: 1, ms: e.ms }
    } else flush()
    // A run shows what changes in one line each; a plan (verbose) shows the states too.
    for (const line of formatEvent(e, { full: !!opts.verbosePlans })) write(line + '\n')
  }
}

/**
 * Exactly one JSON object per event per line, stamped with the wall time (`at`) and, when the run
 * is on the sandbox's virtual clock, that clock's time too (`clock`), which the journal and the
 * report use.
 */
export function jsonRenderer(write: Write, now: () => number = Date.now, runClock: () => Clock | undefined = () => undefined): Emit {
  return (e: EngineEvent) => {
    const c = runClock()
    write(JSON.stringify({ at: new Date(now()).toISOString(), ...(c?.virtual ? { clock: new Date(c.now()).toISOString() } : {}), ...maskSecretObjects(e) }) + '\n')
  }
}

/** Sends each event to every sink; a failing sink never stops a run. */
export function fanOut(...sinks: Emit[]): Emit {
  return (e) => {
    for (const s of sinks) {
      try {
        s(e)
      } catch {
        // Rendering is best effort; the journal is the record.
      }
    }
  }
}
