/**
 * The step contract. Every step type in steps/ is one object implementing {@link StepType};
 * steps/index.ts is the explicit registry. The engine (runner/) owns journaling, locking,
 * drift checks and rollback; a step only observes, diffs and applies.
 *
 * The model: a step touches a set of *items* (a record set, a rule, a schedule, a Kubernetes
 * object, a service's desired count), each named by a stable string key. `observe` returns the
 * current state of every item (null when it does not exist). `diff` returns the items whose state
 * must change and the state each must end in. The engine journals every change's before-state
 * (fsync) before it calls `apply`, so `apply` may batch items freely.
 *
 * Rollback is generic: the inverse of a step is the same step type run in *restore mode*, whose
 * desired state per item is the journaled before-state (null: delete what the step created).
 * `inverse` names the step that does it; `applyRestore` is how a step type writes arbitrary
 * journaled states back.
 */
import type { z } from 'zod'
import type { AwsClients } from './clients/aws-types.js'
import type { KubeApi } from './clients/kube-types.js'
import type { Clock } from './clock.js'
import type { Gate } from './gates/schema.js'
import type { GateOptions } from './gates/watch.js'

/** JSON-compatible state of one item. `null` means the item does not exist. */
export type ItemState = unknown

/** Current state of every item a step touches, by item key. */
export type Observed = Record<string, ItemState>

/** One item to change: from `before` (as observed) to `after` (what the step sets). */
export type Change = {
  key: string
  before: ItemState
  after: ItemState
  /** One line for plan output, e.g. `orders.example.com. CNAME ttl 300 -> 60`. */
  summary: string
}

/** Something a step learned while applying that a later step of the same run needs. */
export type Fact = {
  /** e.g. `route53.ttl-lowered`, `ecs.scheduled-task-disabled`. */
  kind: string
  /** Id of the step that recorded it. */
  step: string
  data: Record<string, unknown>
}

/** A remark on a plan: a warning (irreversible, alias skipped) or information (TTL gate time). */
export type Note = { level: 'info' | 'warn'; message: string }

/**
 * What applying a step's changes would leave for the later steps of the run, as a plan sees it
 * ahead of time (see {@link StepType.planned}).
 */
export type PlannedEffects = {
  /** The facts apply would journal (the engine adds the step id). */
  facts?: Array<Pick<Fact, 'kind' | 'data'>>
  /** The least time apply would wait (a TTL gate), in ms; later steps are planned that much later. */
  waitMs?: number
}

/** Options of the current invocation that steps may honour. */
export type RunOptions = {
  /** `--force`: pass safety thresholds and drift checks. */
  force: boolean
  /** `--skip-ttl-wait`: do not wait for the TTL gate (risky; the runner says so). */
  skipTtlWait: boolean
  /** `--yes`: approvals are granted without a prompt. */
  yes: boolean
}

/** What every phase of a step gets. Built once by the runner; no step builds a client. */
export interface StepContext {
  /** Id of the step being run. */
  readonly stepId: string
  /**
   * Id of the run whose items the step writes: the current run, or in a rollback the run being
   * restored (e.g. to name per-run backups). Absent in a plan of a new run.
   */
  readonly runId?: string
  /**
   * AWS SDK v3 clients of the step's target (its `aws:`, else the environment's default), as
   * read-only wrappers during plan and dry-run: a write throws.
   */
  readonly aws: AwsClients
  /** Kubernetes access to the step's cluster (its `cluster:`, else the default context); read-only during plan: only `dryRun: true` writes are allowed. */
  readonly kube: KubeApi
  /**
   * The client of another named cluster of the environment, for a step that spans clusters
   * (built lazily, once per cluster, same mode as `kube`). Keys of items it touches there are the
   * step's to prefix: `@<name>/<key>`. `default` is the step's own cluster. Throws on a name the environment does not declare.
   */
  cluster(name: string): KubeApi
  /** The clients of another named AWS target (see {@link StepContext.cluster}). */
  awsTarget(name: string): AwsClients
  /** Wall clock and waits; the sandbox's virtual clock in `--sandbox` runs. */
  readonly clock: Clock
  readonly options: RunOptions
  /** Facts journaled by earlier steps of this run (empty in a plan of a new run). */
  facts(kind: string): Fact[]
  /** Progress for the terminal; steps never print. */
  log(message: string): void
  /** Cancelled when the runner is interrupted or the step times out. */
  readonly signal: AbortSignal
  /**
   * Files and render commands (manifests, `helm template`), relative to the playbook's directory.
   * Optional: steps that need it fail with a clear message when the runner gives none.
   */
  readonly files?: StepFiles
}

/** Read-only access to the playbook's files, so that no step imports node:fs or child_process. */
export interface StepFiles {
  readText(path: string): Promise<string>
  /** The files of a directory (not recursive, sorted by name), or `[path]` when it is a file. */
  list(path: string): Promise<string[]>
  /** Run `command` with `args` (each escaped, no shell interpolation) and return its stdout. */
  render(command: string, args: string[]): Promise<string>
}

/** What `apply` gets on top of {@link StepContext}. */
export interface ApplyContext extends StepContext {
  /**
   * Record that the mutating call(s) for these items returned successfully. Call it right after
   * the call, before the next one: if apply throws later, the journal says exactly which items
   * changed. Items not reported are treated as "may have changed" by the engine.
   */
  applied(keys: string[]): Promise<void>
  /**
   * Declare intermediate states the step is about to set (e.g. a weighted stage), durable before
   * it returns; call it before the mutating call. A rollback then treats an item found in one of
   * them as left by the run, not as drift, so a run killed between stages rolls back cleanly.
   */
  intermediate(states: Array<{ key: string; state: ItemState }>): Promise<void>
  /** Journal a fact for later steps of this run (durable before it returns). */
  fact(kind: string, data: Record<string, unknown>): Promise<void>
  /** Ask a person (granted at once with `--yes`; refused when a prompt is impossible). */
  approve(question: string): Promise<boolean>
  /** Wait, reported as waited time (`reason` is shown to the user). */
  wait(ms: number, reason: string): Promise<void>
  /**
   * Pass `gates` (all of them: signals watched for their `for`, or `watchMs` when longer, then
   * approvals). Throws GateFailed naming the signal and the value it read; each result is
   * journaled. Steps call this instead of reading signals themselves.
   */
  gate(gates: readonly Gate[], opts: GateOptions): Promise<void>
}

/** A step as written in a playbook, after templating and validation. */
export type StepSpec = {
  id: string
  type: string
  with: Record<string, unknown>
  /** In a generated rollback playbook: restore the journaled before-state of this forward step. */
  restoreFrom?: string
}

/**
 * A step type. Guarantees each implementation must keep are written on each member.
 */
export interface StepType<P = any> {
  /** e.g. `route53.ttl`. */
  readonly type: string
  /** One paragraph for docs/steps.md and `playbook validate --explain`. */
  readonly description: string
  /** Params schema; validated for the whole playbook before anything runs. */
  readonly params: z.ZodType<P>
  /**
   * Set (to the reason) when the step cannot be undone. Plan warns; rollback stops here unless
   * `--force`. Never leave an undo silently out.
   */
  readonly irreversible?: string
  /**
   * Restore mode with `--force`, for an item that no longer exists although the run found it and
   * left it existing (deleted by hand since): set (to the reason) when `applyRestore` recreates
   * it faithfully from its journaled before-state and a rollback should. Unset: rollback skips
   * such an item with a warning. Without `--force` it is refused like drift either way.
   */
  readonly recreatesVanished?: string
  /**
   * Names the shape of this type's item states. A plan lays an earlier step's planned state of an
   * item over a later step's observation of the same key only when both types share it (both
   * route53 types hold a record set; the k8s types hold different views of one object, which the
   * plan-mode Kubernetes client overlays instead). Default: the type itself.
   */
  readonly itemStates?: string

  /**
   * Optional, pure. Values that this step treats as secret but that `with` holds literally, so
   * that the journal (which keeps `with` as written, every `${{ secrets.NAME }}` unresolved) and
   * the outputs would show them. Gets `with` in that journaled form; returns each value's path
   * inside it and why. Validate reports each at its position (exit 2, before any call).
   */
  literalSecrets?(withValue: Record<string, unknown>): Array<{ path: Array<string | number>; message: string }>

  /**
   * Read the current state of every item the step touches. Writes nothing, ever (the clients it
   * gets in plan mode throw on writes). When `keys` is given (restore mode), observe exactly
   * those items, whatever the params select.
   */
  observe(ctx: StepContext, p: P, keys?: string[]): Promise<Observed>

  /**
   * Pure: the changes that bring `now` to what `p` asks for. Empty means done already; the
   * engine then journals the step as skipped and calls nothing else (idempotence).
   */
  diff(p: P, now: Observed): Change[]

  /** Extra plan remarks (TTL gate time, skipped aliases, thresholds). Pure; optional. */
  notes?(ctx: StepContext, p: P, now: Observed, changes: Change[]): Note[]

  /**
   * Pure; optional. For plan and preflight: the facts `apply` would journal for `changes` and the
   * least time it would wait, if it started at `ctx.clock.now()`. Later steps of the plan see
   * these facts in `ctx.facts` and a clock moved on by the wait, so their notes (the TTL gate, the
   * cron gap) say what the run will do.
   */
  planned?(ctx: StepContext, p: P, changes: Change[]): PlannedEffects

  /**
   * Make the changes. The engine has made every change's before-state durable first. Report
   * items as they complete with `ctx.applied`. If apply throws, the journal says exactly which
   * items changed; the engine rolls back those (and the in-flight ones) to their before-state.
   * Must be safe to call again with a fresh diff after a crash (resume).
   */
  apply(ctx: ApplyContext, p: P, changes: Change[]): Promise<void>

  /**
   * Optional. On a resumed run, the journal may hold items of this step from before a crash that
   * the fresh diff no longer lists: their change went through, but the step never finished, so
   * `apply` will not see them. `settle` finishes for those items what apply does after its calls
   * (wait for propagation, journal the facts later steps rely on). Each change carries the
   * journaled before-state and after-state. Called before the step is journaled done; may repeat
   * an idempotent write to learn what it needs. Facts already journaled are in `ctx.facts`.
   */
  settle?(ctx: ApplyContext, p: P, unfinished: Change[]): Promise<void>

  /**
   * Write arbitrary journaled states back (restore mode, used by rollback): each change's
   * `after` is a journaled before-state, null meaning "delete". Same reporting duty as apply.
   * If it throws, the step is still applied (rollback incomplete, exit code 3).
   */
  applyRestore(ctx: ApplyContext, p: P, changes: Change[]): Promise<void>

  /**
   * The step that undoes this one: usually this type with the same params; the engine runs it in
   * restore mode from the journal. Used by `rollback --generate`.
   */
  inverse(p: P): { type: string; with: Record<string, unknown> }
}
