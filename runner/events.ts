/**
 * What the engine reports while it works. The core emits these and returns data; renderers
 * (render/), the JSON-lines writer and the lock attach to them. Adding a kind without teaching
 * render/format.ts fails to compile.
 */
import type { Change, Note } from './contract.js'
import type { RunMode, RunStatus } from './journal/entries.js'

export type EngineEvent =
  | { kind: 'run-start'; runId: string; playbook: string; env: string | null; mode: RunMode | 'plan'; resumed: boolean; steps: string[] }
  | { kind: 'step-start'; step: string; type: string; description?: string }
  | { kind: 'step-plan'; step: string; type: string; changes: Change[]; notes: Note[]; irreversible?: string }
  | { kind: 'item-applied'; step: string; keys: string[] }
  | { kind: 'wait'; step: string; ms: number; reason: string; virtual: boolean }
  | { kind: 'approval'; step: string; question: string; granted: boolean }
  | { kind: 'step-done'; step: string; changed: number }
  | { kind: 'step-skipped'; step: string; reason: string }
  | { kind: 'step-failed'; step: string; phase: string; error: string }
  | { kind: 'log'; step: string; message: string }
  | { kind: 'rollback-start'; source: string; steps: string[] }
  | { kind: 'rollback-step'; step: string; keys: string[] }
  | { kind: 'rollback-drift'; step: string; key: string; expected: unknown; actual: unknown; forced: boolean }
  | { kind: 'rollback-step-done'; step: string; restored: string[]; unchanged: string[]; passed?: string[] }
  | { kind: 'rollback-skipped'; step: string; reason: string }
  | { kind: 'rollback-failed'; step: string; error: string }
  /** `rollback --last`: the run it picked, why, and the newer runs it passed over (newest first). */
  | { kind: 'rollback-picked'; runId: string; playbook: string; env: string | null; reason: string; passedOver: Array<{ runId: string; playbook: string; why: string }> }
  /** Nothing left to undo: every step the run applied is rolled back, by these runs. */
  | { kind: 'rollback-already-done'; source: string; by: string[] }
  /** An item the run changed no longer exists: refused (no --force), skipped, or recreated (types that can). */
  | { kind: 'rollback-vanished'; step: string; key: string; before: unknown; action: 'refused' | 'skipped' | 'recreated'; reason?: string }
  /**
   * A rollback stopped (or passed items): the steps and items still applied, newest first, the
   * scheduled jobs now running on neither side, and the command that continues (null: none needed).
   */
  | { kind: 'rollback-left'; source: string; steps: Array<{ step: string; keys: string[] }>; jobs: Array<{ job: string; ecs: string; kubernetes: string }>; command: string | null }
  | { kind: 'run-end'; runId: string; status: RunStatus | 'planned' | 'declined' | 'interrupted' | 'refused'; exitCode: number }
  | { kind: 'notice'; level: 'info' | 'warn'; message: string }

export type EventKind = EngineEvent['kind']

/** Where events go. Must not throw; a renderer failure must not stop a run. */
export type Emit = (event: EngineEvent) => void
