/**
 * The checks that need more than the shape of the file: step types against the registry,
 * duplicate ids, templates, `when`, `restoreFrom`, and each step type's own params schema
 * applied to the templated `with`. Works on the raw document so that it can report alongside
 * schema problems, and skips what schema problems already make meaningless.
 */
import type { StepType } from '../contract.js'
import { DEFAULT_TIMEOUT_MS, parseDuration } from './duration.js'
import { issuesToProblems, phrase } from './issues.js'
import { locate, locateWithin } from './locate.js'
import { formatPath, type DocPath } from './problem.js'
import { isPlainObject } from './scope.js'
import { nearest } from './suggest.js'
import { literalCredentials } from './credentials.js'
import { expandDeep, expandString, type TemplateError, type TemplateScope } from './template.js'
import type { OnFailure, Problem, ResolvedStep } from './types.js'
import { evaluateWhen } from './when.js'
import { problemAt, type Source } from './yaml-source.js'

export type StepsResult = { steps: ResolvedStep[]; problems: Problem[] }

type Defaults = { onFailure: OnFailure; timeoutMs: number }

export function resolveSteps(
  source: Source,
  raw: Record<string, unknown>,
  registry: ReadonlyMap<string, StepType>,
  scope: TemplateScope | undefined,
  defaults: Defaults,
): StepsResult {
  const problems: Problem[] = []
  const steps: ResolvedStep[] = []
  const report = (path: DocPath, message: string, opts: { key?: boolean; needle?: string } = {}) => {
    const loc = locate(source, path, { key: opts.key })
    const offset = opts.needle === undefined ? loc.offset : locateWithin(source, loc, opts.needle)
    problems.push(problemAt(source.file, source.lines, offset, formatPath(path), message))
  }
  const reportTemplate = (path: DocPath, e: TemplateError) => report(path, e.message, { needle: e.raw })
  const firstLine = new Map<string, number>()
  const rawSteps = Array.isArray(raw.steps) ? raw.steps : []
  const isRollback = raw.rollbackOf !== undefined

  rawSteps.forEach((s: unknown, i: number) => {
    if (!isPlainObject(s)) return
    const base: DocPath = ['steps', i]
    const line = source.lines.linePos(locate(source, base).offset).line
    let usable = true
    if (typeof s.id === 'string') {
      const first = firstLine.get(s.id)
      if (first !== undefined) {
        report([...base, 'id'], `duplicate step id "${s.id}" (first used on line ${first}); ids must be unique`)
      } else firstLine.set(s.id, line)
    }
    const type = typeof s.type === 'string' ? registry.get(s.type) : undefined
    if (typeof s.type === 'string' && type === undefined) {
      report([...base, 'type'], unknownTypeMessage(s.type, registry))
      usable = false
    }
    if (s.restoreFrom !== undefined && !isRollback) {
      report([...base, 'restoreFrom'], 'restoreFrom is only for rollback playbooks (those with a top-level rollbackOf)', { key: true })
    }
    if (scope === undefined) return

    const withValue = s.with === undefined || s.with === null ? {} : s.with
    const credentials = literalCredentials(withValue, [...base, 'with'])
    for (const path of credentials) {
      report(path, 'a credential written literally: read it from the environment with ${{ secrets.NAME }} (the variable NAME), so that it is never journaled or printed')
    }
    const expanded = expandDeep(withValue, scope, [...base, 'with'])
    for (const e of expanded.errors) reportTemplate(e.path, e)
    // What is journaled keeps `${{ secrets.NAME }}` as written; only the params hold the values.
    const journaled = expandDeep(withValue, { ...scope, keepSecrets: true }).value
    if (type?.literalSecrets && isPlainObject(journaled)) {
      const reported = new Set(credentials.map(formatPath))
      for (const l of type.literalSecrets(journaled)) {
        const path = [...base, 'with', ...l.path]
        if (!reported.has(formatPath(path))) report(path, l.message)
      }
    }
    let params: unknown
    if (type !== undefined && isPlainObject(expanded.value)) {
      // An unresolved template does not hide the step's other problems: its value is checked as
      // written, and whatever the params schema says about that value is already said.
      const unresolved = expanded.errors.map((e) => formatPath(e.path))
      const value = expanded.errors.length === 0 ? expanded.value : asWritten(expanded.value, withValue, expanded.errors.map((e) => e.path.slice(base.length + 1)))
      const checked = checkParams(source, type, value as Record<string, unknown>, [...base, 'with'])
      problems.push(...checked.problems.filter((p) => !unresolved.some((u) => within(p.path, u))))
      if (expanded.errors.length === 0) params = checked.params
    }

    const when = evaluateWhen(typeof s.when === 'string' || typeof s.when === 'boolean' ? s.when : undefined, scope)
    for (const e of when.errors) reportTemplate([...base, 'when'], e)
    if (when.grammar !== undefined) report([...base, 'when'], when.grammar)

    const pause = textField(s.pause, scope, [...base, 'pause'], reportTemplate)
    const description = textField(s.description, scope, [...base, 'description'], reportTemplate)
    const timeoutMs = typeof s.timeout === 'string' ? parseDuration(s.timeout) : undefined
    if (!usable || typeof s.id !== 'string' || typeof s.type !== 'string') return
    steps.push({
      id: s.id,
      type: s.type,
      with: journaled as Record<string, unknown>,
      ...(typeof s.restoreFrom === 'string' ? { restoreFrom: s.restoreFrom } : {}),
      ...(description !== undefined ? { description } : {}),
      when: when.value ?? false,
      ...(s.pause === true ? { pause: `Run step "${s.id}"?` } : pause !== undefined ? { pause } : {}),
      timeoutMs: timeoutMs ?? defaults.timeoutMs,
      onFailure: s.onFailure === 'stop' || s.onFailure === 'rollback' ? s.onFailure : defaults.onFailure,
      line,
      params,
      // Checked against the declared targets in targets.ts.
      ...(typeof s.aws === 'string' ? { aws: s.aws } : {}),
      ...(typeof s.cluster === 'string' ? { cluster: s.cluster } : {}),
    })
  })
  return { steps, problems }
}

/** Resolved defaults: the playbook's, else rollback and 30 minutes. */
export function resolveDefaults(raw: Record<string, unknown>): Defaults {
  const d = isPlainObject(raw.defaults) ? raw.defaults : {}
  return {
    onFailure: d.onFailure === 'stop' ? 'stop' : 'rollback',
    timeoutMs: (typeof d.timeout === 'string' ? parseDuration(d.timeout) : undefined) ?? DEFAULT_TIMEOUT_MS,
  }
}

function unknownTypeMessage(name: string, registry: ReadonlyMap<string, StepType>): string {
  const known = [...registry.keys()].sort()
  if (known.length === 0) return `unknown step type "${name}" (no step types are registered)`
  const near = nearest(name, known)
  return `unknown step type "${name}"${near ? ` (did you mean "${near}"?)` : ''}; known: ${known.join(', ')}`
}

/** Applies a step type's params schema; issues land under `steps[i].with`. Never throws. */
function checkParams(source: Source, type: StepType, value: Record<string, unknown>, prefix: DocPath): { params?: unknown; problems: Problem[] } {
  try {
    const r = type.params.safeParse(value, { reportInput: true, error: phrase })
    if (r.success) return { params: r.data, problems: [] }
    return { problems: issuesToProblems(source, r.error.issues, type.params, prefix) }
  } catch (err) {
    const loc = locate(source, prefix)
    const message = `the params check of step type ${type.type} failed: ${err instanceof Error ? err.message : String(err)}`
    return { problems: [problemAt(source.file, source.lines, loc.offset, formatPath(prefix), message)] }
  }
}

/** A templated free-text field (`pause`, `description`): always a string afterwards. */
function textField(v: unknown, scope: TemplateScope, path: DocPath, report: (p: DocPath, e: TemplateError) => void): string | undefined {
  if (typeof v !== 'string') return undefined
  const r = expandString(v, scope)
  for (const e of r.errors) report(path, e)
  return typeof r.value === 'string' ? r.value : String(r.value)
}

/** `expanded` with the values at `paths` (relative to it) put back as written in `raw`. */
function asWritten(expanded: unknown, raw: unknown, paths: DocPath[]): unknown {
  const out = structuredClone(expanded)
  for (const path of paths) {
    if (path.length === 0) return raw
    let into: unknown = out
    let from: unknown = raw
    for (const seg of path.slice(0, -1)) {
      into = (into as Record<string | number, unknown>)[seg]
      from = (from as Record<string | number, unknown>)[seg]
    }
    const last = path[path.length - 1]!
    Object.defineProperty(into, last, { value: (from as Record<string | number, unknown>)[last], enumerable: true, writable: true, configurable: true })
  }
  return out
}

/** Whether the formatted path `p` is `at` or lies below it. */
function within(p: string, at: string): boolean {
  return p === at || p.startsWith(`${at}.`) || p.startsWith(`${at}[`)
}
