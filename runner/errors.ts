/**
 * Error classes of the engine, one per failure site. Each names the step and phase, keeps the
 * original as `cause`, and says how to get past it.
 */
export class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly phase: 'observe' | 'diff' | 'apply' | 'settle' | 'approval' | 'timeout' | 'interrupted',
    cause: unknown,
  ) {
    super(`step ${step} (${phase}) failed: ${messageOf(cause)}`, { cause })
  }
}

export class StepTimeout extends Error {
  constructor(readonly step: string, ms: number) {
    super(`step ${step} did not finish within ${ms} ms; raise its \`timeout\` or check what it waits for`)
  }
}

/** The run was interrupted (Ctrl-C): nothing is rolled back; a rerun resumes the run. */
export class Interrupted extends Error {
  constructor(readonly step: string) {
    super(`interrupted during step ${step}; rerun the same command to resume, or roll the run back with \`playbook rollback\``)
  }
}

export class RevertFailed extends Error {
  constructor(readonly step: string, phase: 'observe' | 'restore', cause: unknown) {
    super(`rollback of step ${step} (${phase}) failed: ${messageOf(cause)}; the step is still applied — fix the cause and rerun \`playbook rollback\``, { cause })
  }
}

/** A step of a run cannot be planned in its preflight: the run is refused before any write. */
export class PreflightRefused extends Error {
  constructor(readonly step: string, cause: unknown) {
    super(`step ${step} (preflight) cannot be planned: ${messageOf(cause)}; nothing was changed. Fix the step (\`playbook plan\` shows every step) and run again`, { cause })
  }
}

/** Invalid invocation (unknown step for --from, unknown run id ...): exit code 2. */
export class UsageError extends Error {}

/** The step type of a journaled step is not in the registry. */
export class UnknownStepType extends Error {
  constructor(step: string, type: string) {
    super(`step ${step} has type ${type}, which this version of playbook does not know; use the version that made the run`)
  }
}

export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message
  return String(e)
}
