/**
 * Zod issues → problems. Messages are rephrased to read like the rest of the tool
 * ("expected a number, got "sixty""), unless the schema's author wrote their own; unknown keys get
 * a "did you mean" from the schema's own shape; a missing key points at the map that lacks it.
 */
import type { z } from 'zod'
import { locate } from './locate.js'
import { formatPath, type DocPath } from './problem.js'
import { MISSING_KEY_HINTS } from './schema.js'
import { didYouMean } from './suggest.js'
import type { Problem } from './types.js'
import { problemAt, type Source } from './yaml-source.js'

type RawIssue = z.core.$ZodRawIssue

/** Per-parse error map: lower precedence than messages written in a schema, so those win. */
export function phrase(iss: RawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      return `expected ${article(String(iss.expected))}, got ${describe(iss.input)}`
    case 'invalid_value':
      return `expected ${iss.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describe(iss.input)}`
    case 'too_small':
      return iss.origin === 'array' ? `expected at least ${iss.minimum} item(s)`
        : iss.origin === 'string' ? `expected at least ${iss.minimum} character(s)`
        : `expected ${iss.inclusive ? 'at least' : 'more than'} ${iss.minimum}`
    case 'too_big':
      return iss.origin === 'array' ? `expected at most ${iss.maximum} item(s)`
        : iss.origin === 'string' ? `expected at most ${iss.maximum} character(s)`
        : `expected ${iss.inclusive ? 'at most' : 'less than'} ${iss.maximum}`
    case 'invalid_format':
      return iss.format === 'regex' ? `does not match ${String(iss.pattern)}` : `expected a valid ${iss.format}`
    default:
      return undefined
  }
}

function article(t: string): string {
  if (t === 'object' || t === 'record') return 'a map'
  if (t === 'array') return 'a list'
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`
}

/** A short, bounded description of a wrong value. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a map'
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)
  return String(v)
}

/** Converts the issues of one parse. `prefix` is where the parsed value sits in the document. */
export function issuesToProblems(
  source: Source,
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  prefix: DocPath = [],
): Problem[] {
  const out: Problem[] = []
  for (const iss of issues) {
    const path = [...prefix, ...(iss.path as (string | number)[])]
    if (iss.code === 'unrecognized_keys') {
      const known = knownKeys(schema, iss.path as DocPath)
      for (const key of iss.keys) {
        const at = locate(source, [...path, key], { key: true })
        const hint = didYouMean(key, known) || (known.length > 0 ? ` (known: ${known.join(', ')})` : '')
        out.push(problemAt(source.file, source.lines, at.offset, formatPath([...path, key]), `unknown key "${key}"${hint}`))
      }
      continue
    }
    const at = locate(source, path)
    let message = iss.message
    if (!at.found) {
      const key = String(path[path.length - 1])
      const hint = MISSING_KEY_HINTS[key]
      message = `missing required key "${key}"${hint ? ` (${hint})` : ''}`
    } else if (path.length === 0 && iss.code === 'invalid_type') {
      message = `a playbook is a map of version, name, steps and more; got ${describe(iss.input)}`
    } else if (iss.code === 'invalid_union') {
      message = unionMessage(iss) ?? message
    }
    out.push(problemAt(source.file, source.lines, at.offset, formatPath(path), message))
  }
  return out
}

/** A union whose branches all failed on type reads as "expected a string or a boolean". */
function unionMessage(iss: z.core.$ZodIssueInvalidUnion): string | undefined {
  if (iss.message !== 'Invalid input') return undefined
  const expected = iss.errors.map((branch) => branch[0]).filter((b) => b?.code === 'invalid_type')
  if (expected.length !== iss.errors.length || expected.length === 0) return undefined
  const kinds = expected.map((b) => article(String((b as z.core.$ZodIssueInvalidType).expected)))
  return `expected ${kinds.join(' or ')}, got ${describe(iss.input)}`
}

/** The keys an object schema allows at `path`, found by walking the schema (best effort). */
export function knownKeys(schema: z.ZodType, path: DocPath): string[] {
  let s: unknown = schema
  for (const seg of [...path, null]) {
    s = unwrap(s)
    const def = (s as { def?: Record<string, unknown> } | undefined)?.def
    if (def === undefined) return []
    if (seg === null) return def.type === 'object' ? Object.keys(def.shape as object) : []
    if (def.type === 'object') s = (def.shape as Record<string, unknown>)[String(seg)]
    else if (def.type === 'array') s = def.element
    else if (def.type === 'record') s = def.valueType
    else return []
  }
  return []
}

function unwrap(s: unknown): unknown {
  for (let i = 0; i < 16; i++) {
    const def = (s as { def?: Record<string, unknown> } | undefined)?.def
    if (def === undefined) return s
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'prefault' || def.type === 'readonly' || def.type === 'catch') s = def.innerType
    else if (def.type === 'pipe') s = def.in
    else if (def.type === 'lazy') s = (def.getter as () => unknown)()
    else return s
  }
  return s
}
