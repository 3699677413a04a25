/**
 * Passing a list of gates: every signal is sampled at once, then every `every` until its `for`
 * has passed (all signals on one timeline, the waits through the context's clock, so the
 * sandbox's virtual clock serves them); then each approval is asked. The first failing sample
 * fails the gate at once: a staged step rolls back on the first sign of trouble rather than keep
 * traffic on a failing target. Each gate's result is journaled as a `gate` fact, each wait as a
 * wait whose reason starts with `gate ` (the run report draws those as gate marks).
 */
import { parseDuration } from '../playbook/duration.js'
import type { Gate, SignalGate } from './schema.js'
import { sample, signalLabel, type SignalDeps } from './signals.js'

export const GATE_FACT = 'gate'

/** Where in the step the gates are passed, for messages and the journal. */
export type GateOptions = {
  /** e.g. `after the 50% stage`, `during the 10m bake`. */
  stage: string
  /** What an approval question adds, e.g. `50% of traffic is on the new target`. */
  status?: string
  /** Watch every signal at least this long (a bake). */
  watchMs?: number
}

/** What passing gates needs from the step's context. */
export interface GateDeps extends SignalDeps {
  readonly stepId: string
  wait(ms: number, reason: string): Promise<void>
  approve(question: string): Promise<boolean>
  log(message: string): void
  fact(kind: string, data: Record<string, unknown>): Promise<void>
}

/** A gate that did not pass: which signal, what it read, when. */
export class GateFailed extends Error {
  constructor(readonly stepId: string, readonly stage: string, readonly gate: string, readonly value: string, detail: string) {
    super(`step ${stepId} (apply): gate ${stage} failed: ${gate}: ${value}${detail}. The step is rolled back to where it started; fix what the signal reports and run again`)
    this.name = 'GateFailed'
  }
}

type Watch = { gate: SignalGate; label: string; forMs: number; everyMs: number; next: number; samples: number; last: string }

function watchOf(g: SignalGate, watchMs: number): Watch {
  let forMs = g.for !== undefined ? parseDuration(g.for)! : 0
  let everyMs = parseDuration(g.every ?? '15s')!
  if ('http' in g && g.for === undefined) {
    // The older form: `times` answers in a row, `intervalSeconds` apart.
    everyMs = g.http.intervalSeconds * 1000
    forMs = (g.http.times - 1) * everyMs
  }
  return { gate: g, label: signalLabel(g), forMs: Math.max(forMs, watchMs), everyMs: Math.max(everyMs, 1), next: 0, samples: 0, last: '' }
}

const seconds = (ms: number) => (ms % 60_000 === 0 && ms > 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`)

/** Pass every gate of `gates`, or throw {@link GateFailed} naming the signal and its value. */
export async function passGates(deps: GateDeps, gates: readonly Gate[], opts: GateOptions): Promise<void> {
  const watches = gates.flatMap((g) => ('approval' in g ? [] : [watchOf(g, opts.watchMs ?? 0)]))
  let t = 0
  for (;;) {
    for (const w of watches.filter((x) => x.next === t)) {
      const s = await sample(deps, w.gate)
      w.samples++
      w.last = s.value
      const total = Math.floor(w.forMs / w.everyMs) + 1
      deps.log(`gate ${opts.stage}: ${w.label}: ${s.value} (${s.ok ? 'ok' : 'FAILED'}, sample ${w.samples}/${total})`)
      if (!s.ok) {
        await deps.fact(GATE_FACT, { stage: opts.stage, gate: w.label, passed: false, value: s.value, samples: w.samples, atMs: t })
        throw new GateFailed(deps.stepId, opts.stage, w.label, s.value, ` (sample ${w.samples} of ${total}, ${seconds(t)} into the watch)`)
      }
      w.next = t + w.everyMs <= w.forMs ? t + w.everyMs : Infinity
    }
    const next = Math.min(...watches.map((w) => w.next))
    if (next === Infinity || watches.length === 0) break
    const labels = watches.filter((w) => w.next !== Infinity).map((w) => w.label).join(', ')
    await deps.wait(next - t, `gate ${opts.stage}: ${labels} (${seconds(t)} of ${seconds(Math.max(...watches.map((w) => w.forMs)))} ok)`)
    t = next
  }
  for (const w of watches) await deps.fact(GATE_FACT, { stage: opts.stage, gate: w.label, passed: true, value: w.last, samples: w.samples })
  for (const g of gates) {
    if (!('approval' in g)) continue
    const ok = await deps.approve(opts.status ? `${g.approval} (${opts.status})` : g.approval)
    await deps.fact(GATE_FACT, { stage: opts.stage, gate: `approval ${g.approval}`, passed: ok, value: ok ? 'approved' : 'refused' })
    if (!ok) throw new GateFailed(deps.stepId, opts.stage, `approval "${g.approval}"`, 'refused', '')
  }
}
