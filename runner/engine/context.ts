/**
 * Builds the contexts handed to steps: one place, so every step gets the same clients, clock,
 * options and facts. The apply context journals what the step reports (applied keys, facts,
 * waits) before it returns.
 */
import type { ApplyContext, Fact, RunOptions, StepContext } from '../contract.js'
import type { Clock } from '../clock.js'
import type { Emit } from '../events.js'
import type { TestWorlds } from '../clients/test-worlds.js'
import type { Recorder } from './recorder.js'
import type { ClientPool } from './clients.js'
import type { StepTarget } from './targets.js'
import { passGates } from '../gates/watch.js'
import { httpFetch, type HttpFetch } from '../clients/http.js'

/** The name of the step's own cluster in `ctx.cluster(name)` (mesh.shift's default). */
export const DEFAULT_CLUSTER = 'default'

export type ContextBase = {
  /** The run whose items the steps write (see StepContext.runId). */
  runId?: string
  pool: ClientPool
  clock: Clock
  options: RunOptions
  facts: Fact[]
  emit: Emit
  /** Asks a person (already honours --yes). */
  approve: (step: string, question: string) => Promise<boolean>
  /** HTTP for gates (default: runner/clients/http.ts); tests hand in their own. */
  fetch?: HttpFetch
}

/** The extension the test-only step type reads; other steps ignore it. */
export type EngineStepContext = StepContext & { readonly testWorlds: TestWorlds }

/** `target`: the step's `aws:` / `cluster:` (absent: the defaults); ctx.aws / ctx.kube are its clients. */
export function stepContext(base: ContextBase, stepId: string, signal: AbortSignal, target: StepTarget = {}): EngineStepContext {
  const { pool } = base
  return {
    stepId,
    ...(base.runId !== undefined ? { runId: base.runId } : {}),
    get aws() {
      return pool.awsOf(target.aws)
    },
    get kube() {
      return pool.kubeOf(target.cluster)
    },
    cluster: (name: string) => (name === DEFAULT_CLUSTER ? pool.kubeOf(target.cluster) : pool.kubeOf(name)),
    awsTarget: (name: string) => pool.awsOf(name),
    get testWorlds() {
      return pool.testWorlds
    },
    get files() {
      return pool.files
    },
    clock: base.clock,
    options: base.options,
    facts: (kind) => base.facts.filter((f) => f.kind === kind),
    log: (message) => base.emit({ kind: 'log', step: stepId, message }),
    signal,
  }
}

/**
 * The context for apply (or restore). `onApplied` journals the keys; it is where forward runs
 * write `applied` and rollbacks write `reverted`.
 */
export function applyContext(
  base: ContextBase,
  rec: Recorder,
  stepId: string,
  signal: AbortSignal,
  onApplied: (keys: string[]) => Promise<void>,
  target: StepTarget = {},
): ApplyContext & { readonly testWorlds: TestWorlds } {
  const sc = stepContext(base, stepId, signal, target)
  const own: Omit<ApplyContext, keyof StepContext> = {
    applied: onApplied,
    async intermediate(states: Array<{ key: string; state: unknown }>) {
      await rec.writeMany(states.map((s) => ({ t: 'stage', step: stepId, key: s.key, state: s.state })))
    },
    async fact(kind: string, data: Record<string, unknown>) {
      await rec.write({ t: 'fact', step: stepId, kind, data })
      base.facts.push({ kind, step: stepId, data })
    },
    approve: (question: string) => base.approve(stepId, question),
    async wait(ms: number, reason: string) {
      await rec.write({ t: 'wait', step: stepId, ms, reason, virtual: base.clock.virtual })
      base.emit({ kind: 'wait', step: stepId, ms, reason, virtual: base.clock.virtual })
      await base.clock.sleep(ms, signal)
    },
    gate(gates: Parameters<ApplyContext['gate']>[0], opts: Parameters<ApplyContext['gate']>[1]): Promise<void> {
      const pool = base.pool
      return passGates({
        stepId,
        get aws() {
          return pool.awsOf(target.aws)
        },
        fetch: (...args) => (base.fetch ?? httpFetch)(...args),
        signal,
        wait: own.wait,
        approve: own.approve,
        log: sc.log,
        fact: own.fact,
      }, gates, opts)
    },
  }
  // Copy the getters themselves, so clients stay lazy.
  return Object.defineProperties(own, Object.getOwnPropertyDescriptors(sc)) as unknown as ApplyContext & { readonly testWorlds: TestWorlds }
}
