/**
 * Drives one step type without the engine: observe -> diff -> apply with a minimal ApplyContext
 * that collects applied keys, facts, waits and logs in arrays, and restore (rollback) via
 * observe(keys) + applyRestore with the before-states, as the engine does.
 */
import { canonicalJson, sameState } from '../../runner/canonical.js'
import type { AwsClients } from '../../runner/clients/aws-types.js'
import type { KubeApi } from '../../runner/clients/kube-types.js'
import { passGates } from '../../runner/gates/watch.js'
import type { Clock } from '../../runner/clock.js'
import type { ApplyContext, Change, Fact, ItemState, Note, Observed, RunOptions, StepFiles, StepType } from '../../runner/contract.js'

export type HarnessOptions = {
  aws?: AwsClients
  kube?: KubeApi
  clock: Clock
  stepId?: string
  /** Facts of earlier steps (e.g. from a journal before a "restart"). */
  facts?: Fact[]
  options?: Partial<RunOptions>
  /** Answer to approvals (default: `options.yes`). */
  approve?: (question: string) => boolean | Promise<boolean>
  /** Clusters other than the default one, by name (`ctx.cluster(name)`). */
  clusters?: Record<string, KubeApi>
  /** HTTP for gates (default: the global fetch). */
  fetch?: typeof fetch
  files?: StepFiles
}

export type Harness = {
  ctx: ApplyContext
  /** One entry per `ctx.applied` call. */
  applied: string[][]
  /** Intermediate states declared with `ctx.intermediate`, in order. */
  intermediates: Array<{ key: string; state: unknown }>
  facts: Fact[]
  waits: { ms: number; reason: string }[]
  logs: string[]
  approvals: string[]
}

const missing = (what: string) =>
  new Proxy({}, { get: (_t, prop) => { if (prop === 'then') return undefined; throw new Error(`harness: no ${what} client given (used ${String(prop)})`) } })

export function harness(o: HarnessOptions): Harness {
  const h: Harness = { applied: [], intermediates: [], facts: [...(o.facts ?? [])], waits: [], logs: [], approvals: [], ctx: undefined as never }
  const options: RunOptions = { force: false, skipTtlWait: false, yes: false, ...o.options }
  const stepId = o.stepId ?? 'step'
  h.ctx = {
    stepId,
    aws: o.aws ?? (missing('AWS') as AwsClients),
    kube: o.kube ?? (missing('Kubernetes') as KubeApi),
    clock: o.clock,
    options,
    files: o.files,
    signal: new AbortController().signal,
    facts: (kind) => h.facts.filter((f) => f.kind === kind),
    log: (m) => void h.logs.push(m),
    applied: async (keys) => void h.applied.push([...keys]),
    intermediate: async (states) => void h.intermediates.push(...structuredClone(states)),
    fact: async (kind, data) => void h.facts.push({ kind, step: stepId, data: structuredClone(data) }),
    approve: async (q) => {
      h.approvals.push(q)
      return o.approve ? o.approve(q) : options.yes
    },
    wait: async (ms, reason) => {
      h.waits.push({ ms, reason })
      await o.clock.sleep(ms)
    },
    cluster: (name) => {
      if (name === 'default') return h.ctx.kube
      const other = o.clusters?.[name]
      if (!other) throw new Error(`harness: no cluster ${name}`)
      return other
    },
    // The engine's own gate runner, over the harness's waits, approvals and facts.
    gate: (gates, opts) => passGates({ ...h.ctx, aws: h.ctx.aws, fetch: o.fetch ?? fetch, wait: h.ctx.wait, approve: h.ctx.approve, log: h.ctx.log, fact: h.ctx.fact }, gates, opts),
  }
  return h
}

/** Every key reported applied, in order, without repeats. */
export const appliedKeys = (h: Harness): string[] => [...new Set(h.applied.flat())]

export type Plan = { params: any; observed: Observed; changes: Change[]; notes: Note[] }

/** Validate params, observe, diff and notes (what `playbook plan` does for one step). */
export async function planStep(h: Harness, step: StepType, rawParams: unknown): Promise<Plan> {
  const params = step.params.parse(rawParams)
  const observed = await step.observe(h.ctx, params)
  const changes = step.diff(params, observed)
  const notes = step.notes?.(h.ctx, params, observed, changes) ?? []
  return { params, observed, changes, notes }
}

export type RunResult = Plan & { error?: unknown; rolledBack: boolean }

/**
 * Plan, then apply when there are changes. If apply throws, the changed items are restored to
 * their before-states (the engine's per-step rollback) and the error is returned, not thrown.
 */
export async function runStep(h: Harness, step: StepType, rawParams: unknown): Promise<RunResult> {
  const plan = await planStep(h, step, rawParams)
  if (plan.changes.length === 0) return { ...plan, rolledBack: false }
  try {
    await step.apply(h.ctx, plan.params, plan.changes)
    return { ...plan, rolledBack: false }
  } catch (error) {
    const before = Object.fromEntries(plan.changes.map((c) => [c.key, c.before]))
    await restoreStep(h, step, plan.params, before)
    return { ...plan, error, rolledBack: true }
  }
}

/**
 * Restore mode: observe exactly `before`'s keys and write back every item that differs.
 * Returns the restore changes (empty when everything already was as before).
 */
export async function restoreStep(h: Harness, step: StepType, params: any, before: Record<string, ItemState>): Promise<Change[]> {
  const keys = Object.keys(before)
  const now = await step.observe(h.ctx, params, keys)
  const changes: Change[] = keys
    .filter((k) => !sameState(now[k], before[k]))
    .map((k) => ({ key: k, before: now[k] ?? null, after: before[k] ?? null, summary: `restore ${k}` }))
  if (changes.length > 0) await step.applyRestore(h.ctx, params, changes)
  return changes
}

/** Canonical JSON, as the engine compares item states. */
export const canonical = canonicalJson

/** A virtual clock for tests without a sandbox: sleeping advances it. */
export function testClock(start = Date.parse('2026-03-02T01:45:00Z')): Clock & { advance(ms: number): void } {
  let t = start
  return { virtual: true, now: () => t, sleep: async (ms) => void (t += ms), advance: (ms) => void (t += ms) }
}
