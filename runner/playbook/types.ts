/**
 * Data shapes of a loaded playbook and of the problems found while loading one.
 * Everything here is plain data: a loaded playbook can be journaled, printed or compared.
 */
import type { StepSpec, StepType } from '../contract.js'

/** One thing wrong with a playbook, located at the YAML node that causes it. */
export type Problem = {
  /** The file name as the user gave it (relative stays relative). */
  file: string
  /** 1-based line of the offending node. */
  line: number
  /** 1-based column of the offending node. */
  col: number
  /** Path in the document, e.g. `steps[2].with.ttl`; empty for whole-file problems. */
  path: string
  message: string
}

export const ON_FAILURE = { rollback: 'rollback', stop: 'stop' } as const
export type OnFailure = (typeof ON_FAILURE)[keyof typeof ON_FAILURE]

/** The environment chosen with `--env`, as declared under `environments`. */
export type PlaybookEnv = { name: string; region?: string; profile?: string; context?: string; state?: string }

/** A named AWS target: its region, and the profile or the role (ARN) its clients use. */
export type AwsTarget = { region?: string; profile?: string; role?: string }
/** A named Kubernetes cluster: the kubeconfig context its client uses. */
export type ClusterTarget = { context: string }
/**
 * The named targets of the chosen environment: the top-level ones, overridden per name by the
 * environment's. The environment's plain region/profile/context stay the default target.
 */
export type Targets = { aws: Record<string, AwsTarget>; clusters: Record<string, ClusterTarget> }

/** A step after templating, `when` evaluation and validation of its params. */
export type ResolvedStep = StepSpec & {
  description?: string
  /** Evaluated condition: false means the step is skipped in this run. */
  when: boolean
  /** Approval question to ask before the step (`pause: true` becomes a default question). */
  pause?: string
  /** Step timeout, from the step, else `defaults.timeout`, else 30 minutes. */
  timeoutMs: number
  /** What a failure of this step does to the steps before it. */
  onFailure: OnFailure
  /** 1-based line of the step in the playbook file. */
  line: number
  /** `with` as parsed by the step type's params schema (defaults and transforms applied). */
  params: unknown
  /** The named AWS target the step acts on (absent: the default one). */
  aws?: string
  /** The named cluster the step acts on (absent: the default one). */
  cluster?: string
}

/** A playbook that passed validation; everything the executor needs, nothing left to resolve. */
export type Playbook = {
  name: string
  description?: string
  version: 1
  env?: PlaybookEnv
  /** Team state address (`state:` of the environment, else of the playbook), if any. */
  state?: string
  /** Named AWS targets and clusters (empty maps when the playbook declares none). */
  targets?: Targets
  /** Top-level vars, overridden by the environment's vars, overridden by `--var`. */
  vars: Record<string, unknown>
  defaults: { onFailure: OnFailure; timeoutMs: number }
  /** Set in a generated rollback playbook: the forward playbook (and run) it undoes. */
  rollbackOf?: { playbook: string; run?: string }
  steps: ResolvedStep[]
}

export type LoadOptions = {
  /** `--env NAME`: required when the playbook declares environments. */
  env?: string
  /** `--var NAME=VALUE` overrides; a value is converted to the declared var's type. */
  vars?: Record<string, string>
  /** Value of `${{ run.id }}`; validation alone uses the placeholder `validate`. */
  runId?: string
  /** Environment variables for `${{ secrets.NAME }}`; absent (validate) keeps the references unresolved. */
  secrets?: Readonly<Record<string, string | undefined>>
  /** Told each resolved credential value (for output redaction). */
  onSecret?: (value: string) => void
  /** Step types to validate against; defaults to the registry in steps/index.ts. */
  registry?: ReadonlyMap<string, StepType>
}

export type LoadResult = { ok: true; playbook: Playbook } | { ok: false; problems: Problem[] }
