/**
 * What the engine consumes and returns. `Playbook` is the loader's output (runner/playbook/);
 * steps get each step's `params` (the `with` block parsed by the step type's schema).
 */
import type { RunOptions, StepFiles, StepType } from '../contract.js'
import type { AwsClients } from '../clients/aws-types.js'
import type { KubeApi } from '../clients/kube-types.js'
import type { Clock } from '../clock.js'
import type { Emit } from '../events.js'
import type { Journal } from '../journal/journal.js'
import type { TestWorlds } from '../clients/test-worlds.js'

export type { Playbook, ResolvedStep } from '../playbook/types.js'

/**
 * Client factories; each is called at most once per mode and target, and only if a step touches
 * it. `target` is the name of a declared AWS target or cluster (absent: the default one); the edge
 * resolves it to a region and profile or role, or a kubeconfig context, and rejects an unknown one.
 */
export type ClientFactories = {
  /** `runId`: the run the clients act for (names an assumed role's session); none for plan. */
  aws?: (o: { readOnly: boolean; target?: string; runId?: string }) => Promise<AwsClients>
  kube?: (o: { readOnly: boolean; target?: string }) => Promise<KubeApi>
  /** The playbook's files (manifests, render commands), relative to its directory. */
  files?: () => StepFiles
  /** Worlds of the test-only `test.memory` step type. */
  testWorlds?: (o: { readOnly: boolean }) => TestWorlds
}

export type EngineOptions = RunOptions & {
  dryRun: boolean
  /** Start at this step (earlier steps are skipped). */
  from?: string
  /** Run only this step. */
  only?: string
}

export type EngineDeps = {
  journal: Journal
  clock: Clock
  registry: ReadonlyMap<string, StepType>
  clients: ClientFactories
  options: EngineOptions
  /** Ask a person; resolves false when refused or impossible. Not called when options.yes. */
  prompt: (question: string) => Promise<boolean>
  emit: Emit
  /** The playbook file and its sha256 (journaled; a rerun resumes only the same file). */
  source: { file: string; sha256: string }
  /** Id for a new run (when none is resumed); the CLI picks it first to template `${{ run.id }}`. */
  runId?: string
  /**
   * Aborted when the user interrupts the run (Ctrl-C): the current step's signal aborts, the step
   * is journaled failed, nothing is rolled back and the run stays open for a rerun to resume.
   */
  interrupt?: AbortSignal
  /** Wall clock for the journaled `startedAt` (defaults to Date.now); run ids follow the run's clock. */
  wallNow?: () => number
}

export type RunResult = {
  runId: string
  /** `refused`: the preflight found a step that cannot be planned; nothing was written or journaled. */
  status: 'done' | 'failed' | 'rolled-back' | 'rollback-incomplete' | 'restored' | 'declined' | 'interrupted' | 'refused'
  /** 130 for a run stopped by Ctrl-C (the shell's code for SIGINT): open, a rerun resumes it. */
  exitCode: 0 | 1 | 2 | 3 | 130
  resumed: boolean
}
