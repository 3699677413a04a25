/**
 * Label and field selectors as the API server parses them: `a=b`, `a==b`, `a!=b`,
 * `a in (x,y)`, `a notin (x,y)`, `a` (exists), `!a` (does not exist); field selectors on
 * `metadata.name` and `metadata.namespace`. A malformed selector is a 400 like the real one.
 */
import type { StoredObject } from '../estate.js'
import { badRequest } from './status.js'

type Requirement = { key: string; op: 'eq' | 'ne' | 'in' | 'notin' | 'exists' | 'notexists'; values: string[] }

/** Splits on commas outside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of s) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out.map((x) => x.trim()).filter((x) => x.length > 0)
}

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/

function parseTerm(term: string, selector: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term)
  if (set) {
    const values = set[3].split(',').map((v) => v.trim()).filter((v) => v.length > 0)
    return { key: set[1], op: set[2] as 'in' | 'notin', values }
  }
  const cmp = /^([^!=\s]+)\s*(==|!=|=)\s*(\S*)$/.exec(term)
  if (cmp) {
    const op = cmp[2] === '!=' ? 'ne' : 'eq'
    return { key: cmp[1], op, values: [cmp[3]] }
  }
  if (term.startsWith('!') && KEY.test(term.slice(1).trim())) return { key: term.slice(1).trim(), op: 'notexists', values: [] }
  if (KEY.test(term)) return { key: term, op: 'exists', values: [] }
  throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt (selector "${selector}")`)
}

export type Selector = (labels: Record<string, string>) => boolean

export function parseLabelSelector(selector: string): Selector {
  const reqs = splitTerms(selector).map((t) => parseTerm(t, selector))
  return (labels) =>
    reqs.every((r) => {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key)
      const v = labels[r.key]
      switch (r.op) {
        case 'eq':
          return has && v === r.values[0]
        case 'ne':
          return !has || v !== r.values[0]
        case 'in':
          return has && r.values.includes(v)
        case 'notin':
          return !has || !r.values.includes(v)
        case 'exists':
          return has
        case 'notexists':
          return !has
      }
    })
}

const FIELDS: Record<string, (o: StoredObject) => string> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
}

export function parseFieldSelector(selector: string): (o: StoredObject) => boolean {
  const reqs = splitTerms(selector).map((t) => {
    const r = parseTerm(t, selector)
    const get = FIELDS[r.key]
    if (!get || (r.op !== 'eq' && r.op !== 'ne')) throw badRequest(`field label not supported: ${r.key}`)
    return { get, r }
  })
  return (o) => reqs.every(({ get, r }) => (r.op === 'eq' ? get(o) === r.values[0] : get(o) !== r.values[0]))
}

/** A label selector object (`matchLabels` / `matchExpressions`) as Deployments and Services carry them. */
export function matchesSelectorObject(sel: unknown, labels: Record<string, string>): boolean {
  if (!sel || typeof sel !== 'object') return false
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> }
  const byLabels = Object.entries(s.matchLabels ?? (s.matchExpressions ? {} : (sel as Record<string, string>)))
  if (!byLabels.every(([k, v]) => labels[k] === v)) return false
  return (s.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key)
    if (e.operator === 'In') return has && (e.values ?? []).includes(labels[e.key])
    if (e.operator === 'NotIn') return !has || !(e.values ?? []).includes(labels[e.key])
    if (e.operator === 'Exists') return has
    if (e.operator === 'DoesNotExist') return !has
    return false
  })
}
