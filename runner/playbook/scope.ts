/**
 * Selecting the environment (`--env`) and merging vars: top-level vars, overridden by the
 * environment's vars, overridden by `--var NAME=VALUE`. Usage mistakes (a missing or unknown
 * `--env`, an undeclared `--var`) are problems located at the part of the file they concern.
 */
import { locate } from './locate.js'
import { formatPath } from './problem.js'
import { didYouMean } from './suggest.js'
import type { TemplateScope } from './template.js'
import type { LoadOptions, PlaybookEnv, Problem } from './types.js'
import { problemAt, type Source } from './yaml-source.js'

export type ScopeResult = { scope?: TemplateScope; problems: Problem[] }

/** Placeholder for `${{ run.id }}` when only validating. */
export const VALIDATE_RUN_ID = 'validate'

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Builds the template scope; `scope` is undefined when the environment could not be chosen. */
export function buildScope(source: Source, raw: Record<string, unknown>, opts: LoadOptions): ScopeResult {
  const problems: Problem[] = []
  const at = (path: (string | number)[], key: boolean, pathText: string, message: string) => {
    const loc = locate(source, path, { key })
    problems.push(problemAt(source.file, source.lines, loc.offset, pathText, message))
  }
  const envs = isPlainObject(raw.environments) ? raw.environments : undefined
  const names = envs ? Object.keys(envs) : []
  let env: PlaybookEnv | undefined
  let envVars: Record<string, unknown> = {}
  let envVarsPath: (string | number)[] = []
  if (opts.env === undefined) {
    if (names.length > 0) at(['environments'], true, 'environments', `this playbook has environments (${names.join(', ')}); choose one with --env`)
  } else if (envs === undefined) {
    at([], false, '', `--env ${opts.env} given, but the playbook declares no environments`)
  } else if (!Object.hasOwn(envs, opts.env)) {
    at(['environments'], true, 'environments', `no environment "${opts.env}"${didYouMean(opts.env, names)} (known: ${names.join(', ')})`)
  } else {
    const e = isPlainObject(envs[opts.env]) ? (envs[opts.env] as Record<string, unknown>) : {}
    env = { name: opts.env }
    for (const k of ['region', 'profile', 'context', 'state'] as const) if (typeof e[k] === 'string') env[k] = e[k]
    if (isPlainObject(e.vars)) {
      envVars = e.vars
      envVarsPath = ['environments', opts.env, 'vars']
    }
  }
  if (problems.length > 0) return { problems }

  const topVars = isPlainObject(raw.vars) ? raw.vars : {}
  const vars: Record<string, unknown> = {}
  const declaredAt = new Map<string, (string | number)[]>()
  for (const [k, v] of Object.entries(topVars)) setOwn(vars, k, v), declaredAt.set(k, ['vars', k])
  for (const [k, v] of Object.entries(envVars)) setOwn(vars, k, v), declaredAt.set(k, [...envVarsPath, k])
  for (const [k, text] of Object.entries(opts.vars ?? {})) {
    const where = declaredAt.get(k)
    if (where === undefined) {
      at(isPlainObject(raw.vars) ? ['vars'] : [], isPlainObject(raw.vars), 'vars', `--var ${k}: no such var${didYouMean(k, Object.keys(vars))}; declare it under vars`)
      continue
    }
    const converted = convertOverride(vars[k], text)
    if (converted.error) at(where, false, `vars.${k}`, `--var ${k}=${text}: ${converted.error}`)
    else setOwn(vars, k, converted.value)
  }
  // Vars are values, not templates: expansion is one pass, so a template here would reach a
  // step's params verbatim.
  for (const [k, where] of declaredAt) {
    if (JSON.stringify(vars[k] ?? null).replace(/\$\$\{\{/g, '').includes('${{')) {
      at(where, false, formatPath(where), 'templates are not expanded inside vars; write the value itself')
    }
  }
  if (problems.length > 0) return { problems }
  return { scope: { vars, env, runId: opts.runId ?? VALIDATE_RUN_ID, ...(opts.secrets ? { secrets: opts.secrets } : {}), ...(opts.onSecret ? { onSecret: opts.onSecret } : {}) }, problems }
}

/** A `--var` string takes the type of the value it overrides (numbers and booleans). */
function convertOverride(declared: unknown, text: string): { value?: unknown; error?: string } {
  if (typeof declared === 'number') {
    const n = Number(text)
    return text.trim() !== '' && Number.isFinite(n) ? { value: n } : { error: 'expected a number, like the declared value' }
  }
  if (typeof declared === 'boolean') {
    return text === 'true' || text === 'false' ? { value: text === 'true' } : { error: 'expected true or false, like the declared value' }
  }
  if (typeof declared === 'object' && declared !== null) return { error: 'lists and maps cannot be overridden from the command line' }
  return { value: text }
}

/** Assignment that keeps a `__proto__` key a plain key. */
export function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true })
}
