/**
 * `playbook validate`: loads the playbook and returns its problems, the lines to print and the
 * exit code (0 valid, 2 invalid or unusable). Prints nothing and exits nothing: the CLI does both.
 *
 * Without `--env`, a playbook that declares environments is checked in each of them: a problem
 * found in every environment is reported once; one found in some only is reported for each of
 * those, with `environment` set.
 */
import { checkPlaybookText, defaultRegistry, environmentNames, readPlaybookFile } from './load.js'
import { formatProblem, sortProblems } from './problem.js'
import type { LoadOptions, Playbook, Problem } from './types.js'

/** A problem of `playbook validate`: `environment` names the one environment it belongs to. */
export type ValidateProblem = Problem & { environment?: string }

export type ValidateOutcome = {
  exitCode: 0 | 2
  problems: ValidateProblem[]
  /** The closing line: what is valid, or how many problems there are and where. */
  summary: string
  /** The text form: every problem as `file:line:col path: message`, then the summary. */
  lines: string[]
}

export async function validateCommand(file: string, opts: LoadOptions = {}): Promise<ValidateOutcome> {
  const read = await readPlaybookFile(file)
  if ('problems' in read) return outcome(file, read.problems, [], [])
  const registry = opts.registry ?? (await defaultRegistry())
  const names = opts.env === undefined ? environmentNames(read.text, file) : []
  if (names.length === 0) {
    const r = checkPlaybookText(read.text, file, { ...opts, registry })
    return r.ok ? outcome(file, [], [], [{ playbook: r.playbook }]) : outcome(file, r.problems, [], [])
  }
  const checks = names.map((env) => ({ env, result: checkPlaybookText(read.text, file, { ...opts, env, registry }) }))
  const found = checks.map(({ env, result }) => ({ env, problems: result.ok ? [] : result.problems }))
  const key = (p: Problem) => formatProblem(p)
  const counts = new Map<string, number>()
  for (const f of found) for (const k of new Set(f.problems.map(key))) counts.set(k, (counts.get(k) ?? 0) + 1)
  const everywhere = new Set([...counts].filter(([, n]) => n === names.length).map(([k]) => k))
  const problems: ValidateProblem[] = []
  const said = new Set<string>()
  for (const f of found) {
    for (const p of f.problems) {
      const k = key(p)
      if (!everywhere.has(k)) problems.push({ ...p, environment: f.env })
      else if (!said.has(k)) problems.push(p), said.add(k)
    }
  }
  const valid = checks.flatMap(({ env, result }) => (result.ok ? [{ env, playbook: result.playbook }] : []))
  return outcome(file, sortProblems(problems) as ValidateProblem[], names, valid)
}

/** `file:line:col path: message`, with `(environment NAME)` when it is one environment's. */
export function formatValidateProblem(p: ValidateProblem): string {
  return p.environment === undefined ? formatProblem(p) : `${formatProblem(p)} (environment ${p.environment})`
}

/** The JSON-lines form of a problem (`--output json`). */
export function problemJson(p: ValidateProblem): Record<string, unknown> {
  return { file: p.file, line: p.line, column: p.col, path: p.path, message: p.message, ...(p.environment !== undefined ? { environment: p.environment } : {}) }
}

function outcome(file: string, problems: ValidateProblem[], envs: string[], valid: Array<{ env?: string; playbook: Playbook }>): ValidateOutcome {
  const checked = envs.length > 0 ? ` (checked environments ${envs.join(', ')}${valid.length > 0 ? `; valid in ${valid.map((v) => v.env).join(', ')}` : ''})` : ''
  if (problems.length > 0) {
    const n = problems.length
    const summary = `${file}: ${n} problem${n === 1 ? '' : 's'}${checked}`
    return { exitCode: 2, problems, summary, lines: [...problems.map(formatValidateProblem), summary] }
  }
  const { playbook } = valid[0]!
  const n = playbook.steps.length
  const skips = valid.map((v) => v.playbook.steps.filter((s) => !s.when).length)
  const skip = skips.some((k) => k > 0) ? `, skipped by when: ${valid.map((v, i) => (v.env ? `${skips[i]} in ${v.env}` : String(skips[i]))).join(', ')}` : ''
  const what = `${playbook.name}, ${n} step${n === 1 ? '' : 's'}${skip}`
  const summary = envs.length > 0 ? `${file}: valid in environments ${envs.join(', ')} (${what})`
    : `${file}: valid (${what}${playbook.env ? `, env ${playbook.env.name}` : ''})`
  return { exitCode: 0, problems: [], summary, lines: [summary] }
}
