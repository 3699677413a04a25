/**
 * `playbook validate`: loads the playbook and returns the lines to print and the exit code
 * (0 valid, 2 invalid or unusable). Prints nothing and exits nothing: the CLI does both.
 */
import { loadPlaybook } from './load.js'
import { formatProblem } from './problem.js'
import type { LoadOptions } from './types.js'

export type ValidateOutcome = { exitCode: 0 | 2; lines: string[] }

export async function validateCommand(file: string, opts: LoadOptions = {}): Promise<ValidateOutcome> {
  const result = await loadPlaybook(file, opts)
  if (!result.ok) {
    const n = result.problems.length
    return { exitCode: 2, lines: [...result.problems.map(formatProblem), `${file}: ${n} problem${n === 1 ? '' : 's'}`] }
  }
  const { playbook } = result
  const n = playbook.steps.length
  const skipped = playbook.steps.filter((s) => !s.when).length
  const env = playbook.env ? `, env ${playbook.env.name}` : ''
  const skip = skipped > 0 ? `, ${skipped} skipped by when` : ''
  return { exitCode: 0, lines: [`${file}: valid (${playbook.name}, ${n} step${n === 1 ? '' : 's'}${skip}${env})`] }
}
