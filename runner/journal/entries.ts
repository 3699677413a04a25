/**
 * Journal entries: a versioned discriminated union, one JSON object per line. Every entry
 * carries `v` (format version) and `at` (epoch ms on the run's clock).
 *
 * Write-ahead order the engine keeps: `begin` before anything; for a step, `step`, then one
 * `item` per change (before-state durable) BEFORE the step's `apply` is called; `applied` after
 * each mutating call returns; `failed`/`skipped`/`done` close the step; `end` closes the run.
 * A run without `end` was interrupted and is resumed by a rerun of the same playbook.
 */
import type { ItemState } from '../contract.js'
import type { AwsTarget, ClusterTarget } from '../playbook/types.js'

export const JOURNAL_VERSION = 1 as const

export type RunMode = 'run' | 'rollback'

/** How a run ended. */
export type RunStatus =
  | 'done'
  | 'failed' // a step failed and onFailure was `stop`
  | 'rolled-back' // a step failed and the run was rolled back cleanly
  | 'rollback-incomplete' // a revert failed or was refused: needs a person
  | 'restored' // a rollback run finished

type Base = { v: typeof JOURNAL_VERSION; at: number }

export type BeginEntry = Base & {
  t: 'begin'
  runId: string
  playbook: string
  file: string
  sha256: string
  env: string | null
  /**
   * Where the run acted (from the environment), so a rollback reaches the same accounts, regions
   * and clusters: the default target, and the named AWS targets and clusters its steps may pick.
   */
  where?: { region?: string; profile?: string; context?: string; aws?: Record<string, AwsTarget>; clusters?: Record<string, ClusterTarget> }
  mode: RunMode
  options: Record<string, unknown>
  /** The resolved vars (file, environment, --var): a rerun with other values is a new run. */
  vars?: Record<string, unknown>
  /** Rollback runs: the run they undo. */
  rollbackOf?: string
  /** Wall-clock start (ms), independent of a virtual run clock. */
  startedAt: number
}
/**
 * A step starts; `with` is kept so a rollback needs only the journal, not the playbook. `aws` /
 * `cluster` name the step's target when it is not the default one (its item keys then start with
 * `@<target>/`), so a rollback restores them where they came from.
 */
export type StepEntry = Base & { t: 'step'; step: string; type: string; with: Record<string, unknown>; aws?: string; cluster?: string }
export type ItemEntry = Base & { t: 'item'; step: string; key: string; before: ItemState; after: ItemState; summary: string }
/** An intermediate state a step is about to set (a weighted stage), durable before the call that sets it. */
export type StageEntry = Base & { t: 'stage'; step: string; key: string; state: ItemState }
export type AppliedEntry = Base & { t: 'applied'; step: string; keys: string[] }
export type FailedEntry = Base & { t: 'failed'; step: string; phase: string; error: string }
export type SkippedEntry = Base & { t: 'skipped'; step: string; reason: string }
export type DoneEntry = Base & { t: 'done'; step: string; changed: number }
export type FactEntry = Base & { t: 'fact'; step: string; kind: string; data: Record<string, unknown> }
export type WaitEntry = Base & { t: 'wait'; step: string; ms: number; reason: string; virtual: boolean }
/** A person (or `--yes`) answered an approval: a `pause:` or a gate of a staged step. */
export type ApprovalEntry = Base & { t: 'approval'; step: string; question: string; granted: boolean }
/**
 * Rollback: about to restore these items of `step` (of run `source`) to their before-states.
 * `sourceStep` names the step of `source` whose items these are, when it is not `step` (a step of
 * a generated rollback playbook restores its `restoreFrom` step).
 */
export type RevertingEntry = Base & { t: 'reverting'; step: string; source: string; keys: string[]; sourceStep?: string }
/**
 * These items of the source step are undone: restored, found as before, or `passed` (among `keys`):
 * not written back because they vanished since the run (`--force`) or the step is irreversible
 * and `--force` passed it.
 */
export type RevertedEntry = Base & { t: 'reverted'; step: string; source: string; keys: string[]; sourceStep?: string; passed?: string[] }
export type RevertFailedEntry = Base & { t: 'revert-failed'; step: string; source: string; error: string }
export type EndEntry = Base & { t: 'end'; status: RunStatus }

export type JournalEntry =
  | BeginEntry
  | StepEntry
  | ItemEntry
  | StageEntry
  | AppliedEntry
  | FailedEntry
  | SkippedEntry
  | DoneEntry
  | FactEntry
  | WaitEntry
  | ApprovalEntry
  | RevertingEntry
  | RevertedEntry
  | RevertFailedEntry
  | EndEntry

/** An entry before the journal stamps it: callers give the payload, the engine adds v/at. */
export type EntryInput = JournalEntry extends infer E ? (E extends JournalEntry ? Omit<E, 'v' | 'at'> : never) : never
