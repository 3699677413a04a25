/**
 * Templating without code execution. The only expressions are `vars.NAME`, `env.name`,
 * `env.region`, `env.profile`, `env.context`, `run.id` and `secrets.NAME` (the environment variable
 * NAME, read at load time into the step's params only), looked up in plain maps. A value that
 * is exactly one template keeps the looked-up type (a number stays a number); templates embedded
 * in text are stringified. `$${{` writes a literal `${{`.
 */
import { didYouMean } from './suggest.js'
import type { PlaybookEnv } from './types.js'

/** What templates may read. */
export type TemplateScope = {
  vars: Readonly<Record<string, unknown>>
  /** The selected environment; undefined when the playbook declares none. */
  env?: PlaybookEnv
  runId: string
  /**
   * Environment variables `secrets.NAME` reads. Absent when only validating: the reference is
   * then kept as written, and nothing is required to be set.
   */
  secrets?: Readonly<Record<string, string | undefined>>
  /** Keep every `${{ secrets.NAME }}` as written: the form of `with` that is journaled. */
  keepSecrets?: boolean
  /** Told each credential value resolved, so that outputs can redact it. */
  onSecret?: (value: string) => void
}

/** A template that could not be resolved; `raw` is its text as written, for positioning. */
export type TemplateError = { raw: string; message: string }

export type Segment = { kind: 'text'; text: string } | { kind: 'template'; expr: string; raw: string }

const ROOTS = ['vars', 'env', 'run', 'secrets'] as const
const ENV_FIELDS = ['name', 'region', 'profile', 'context'] as const
const EXPR = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)$/
const WHOLE = /^\$\{\{([^}]*)\}\}$/

/** Splits a string into text and template segments; an unclosed `${{` is an error. */
export function scan(s: string): { segments: Segment[]; error?: TemplateError } {
  const segments: Segment[] = []
  let text = ''
  let i = 0
  while (i < s.length) {
    if (s.startsWith('$${{', i)) {
      text += '${{'
      i += 4
    } else if (s.startsWith('${{', i)) {
      const close = s.indexOf('}}', i + 3)
      if (close < 0) {
        const raw = s.slice(i, i + 24)
        return { segments, error: { raw, message: `unclosed template "${raw}": add the closing }}` } }
      }
      if (text) segments.push({ kind: 'text', text })
      text = ''
      segments.push({ kind: 'template', expr: s.slice(i + 3, close).trim(), raw: s.slice(i, close + 2) })
      i = close + 2
    } else {
      text += s[i]
      i++
    }
  }
  if (text) segments.push({ kind: 'text', text })
  return { segments }
}

/** Looks up one expression. */
export function lookup(expr: string, raw: string, scope: TemplateScope): { value?: unknown; error?: TemplateError } {
  const m = EXPR.exec(expr)
  if (m === null) {
    return { error: { raw, message: `"${raw}" is not a template: write vars.NAME, env.name, env.region or run.id (no code is run)` } }
  }
  const [, root, field] = m as unknown as [string, string, string]
  if (root === 'vars') {
    if (Object.hasOwn(scope.vars, field)) return { value: scope.vars[field] }
    return { error: { raw, message: `unknown var "${field}"${didYouMean(field, Object.keys(scope.vars))}; declare it under vars` } }
  }
  if (root === 'env') {
    if (!(ENV_FIELDS as readonly string[]).includes(field)) {
      return { error: { raw, message: `unknown env field "${field}"${didYouMean(field, ENV_FIELDS)} (known: ${ENV_FIELDS.join(', ')})` } }
    }
    if (scope.env === undefined) {
      return { error: { raw, message: `"${raw}" needs an environment, but the playbook declares no environments` } }
    }
    const value = scope.env[field as keyof PlaybookEnv]
    if (value === undefined) return { error: { raw, message: `environment "${scope.env.name}" sets no ${field}` } }
    return { value }
  }
  if (root === 'secrets') {
    if (scope.keepSecrets || scope.secrets === undefined) return { value: raw.startsWith('${{') && raw.endsWith('}}') ? raw : `\${{ secrets.${field} }}` }
    const value = scope.secrets[field]
    if (value === undefined || value === '') {
      return { error: { raw, message: `environment variable ${field} is not set (read by \${{ secrets.${field} }}); export it before the run` } }
    }
    scope.onSecret?.(value)
    return { value }
  }
  if (root === 'run') {
    if (field === 'id') return { value: scope.runId }
    return { error: { raw, message: `unknown run field "${field}" (known: id)` } }
  }
  return { error: { raw, message: `unknown template root "${root}"${didYouMean(root, ROOTS)} (known: ${ROOTS.join(', ')})` } }
}

/** Stringifies a value for embedding in text. */
export function stringify(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)
}

/** Expands a string: one whole template keeps its type, anything else becomes a string. */
export function expandString(s: string, scope: TemplateScope): { value: unknown; errors: TemplateError[] } {
  if (!s.includes('${{')) return { value: s, errors: [] }
  const whole = WHOLE.exec(s)
  if (whole !== null) {
    const r = lookup(whole[1]!.trim(), s, scope)
    return { value: r.value, errors: r.error ? [r.error] : [] }
  }
  const { segments, error } = scan(s)
  if (error) return { value: s, errors: [error] }
  const errors: TemplateError[] = []
  let out = ''
  for (const seg of segments) {
    if (seg.kind === 'text') out += seg.text
    else {
      const r = lookup(seg.expr, seg.raw, scope)
      if (r.error) errors.push(r.error)
      else out += stringify(r.value)
    }
  }
  return { value: out, errors }
}

/** A template error with the path of the value it sits in. */
export type DeepTemplateError = TemplateError & { path: (string | number)[] }

/** Expands every string inside lists and maps (keys are left alone). */
export function expandDeep(v: unknown, scope: TemplateScope, path: (string | number)[] = []): { value: unknown; errors: DeepTemplateError[] } {
  if (typeof v === 'string') {
    const r = expandString(v, scope)
    return { value: r.value, errors: r.errors.map((e) => ({ ...e, path })) }
  }
  const errors: DeepTemplateError[] = []
  if (Array.isArray(v)) {
    const value = v.map((item, i) => {
      const r = expandDeep(item, scope, [...path, i])
      errors.push(...r.errors)
      return r.value
    })
    return { value, errors }
  }
  if (typeof v === 'object' && v !== null) {
    const value: Record<string, unknown> = {}
    for (const [k, item] of Object.entries(v)) {
      const r = expandDeep(item, scope, [...path, k])
      errors.push(...r.errors)
      // defineProperty, not assignment: a `__proto__` key must stay a plain key.
      Object.defineProperty(value, k, { value: r.value, enumerable: true, writable: true, configurable: true })
    }
    return { value, errors }
  }
  return { value: v, errors }
}
