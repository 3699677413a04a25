/** Renderers that attach to engine events: plain lines (no TTY) and JSON lines (`--output json`). */
import type { EngineEvent, Emit } from '../events.js'
import { formatEvent } from './format.js'

export type Write = (text: string) => void

/** One or more text lines per event. In a run, per-step plans are shown only when they change something. */
export function plainRenderer(write: Write, opts: { verbosePlans?: boolean } = {}): Emit {
  return (e: EngineEvent) => {
    if (e.kind === 'step-plan' && !opts.verbosePlans && e.changes.length === 0 && e.notes.length === 0) return
    for (const line of formatEvent(e)) write(line + '\n')
  }
}

/** Exactly one JSON object per event per line, with a timestamp. */
export function jsonRenderer(write: Write, now: () => number = Date.now): Emit {
  return (e: EngineEvent) => write(JSON.stringify({ at: new Date(now()).toISOString(), ...e }) + '\n')
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
