/**
 * Base of the errors the AWS step types throw. Every failure site has its own subclass; each one
 * names the step, the phase it failed in, what happened, and how to get past it, and keeps the
 * original error as `cause`.
 */
export type StepPhase = 'observe' | 'diff' | 'apply' | 'restore'

export class StepError extends Error {
  readonly stepType: string
  readonly phase: StepPhase
  readonly hint: string
  constructor(stepType: string, phase: StepPhase, message: string, hint: string, cause?: unknown) {
    super(`${stepType} (${phase}): ${message}. ${hint}`, cause === undefined ? undefined : { cause })
    this.name = new.target.name
    this.stepType = stepType
    this.phase = phase
    this.hint = hint
  }
}

/** The message of any thrown value, for wrapping. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
