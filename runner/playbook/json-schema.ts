/**
 * The JSON Schema editors use (playbooks/playbook.schema.json), generated from the same zod
 * schema the validator uses, so the two cannot disagree. Each registered step type's params
 * schema is attached to `with` through `if type == X then with: ...`; a params schema that JSON
 * Schema cannot express stays a generic map (the validator still checks it).
 */
import * as z from 'zod'
import type { StepType } from '../contract.js'
import { playbookSchema } from './schema.js'

type Json = Record<string, unknown>

export function buildPlaybookJsonSchema(registry: ReadonlyMap<string, StepType>): Json {
  const schema = z.toJSONSchema(playbookSchema, { io: 'input', target: 'draft-2020-12' }) as Json
  schema.title = 'switchover playbook (format v1)'
  const step = ((schema.properties as Json).steps as Json).items as Json
  const types = [...registry.keys()].sort()
  if (types.length > 0) ((step.properties as Json).type as Json).examples = types
  const branches: Json[] = []
  for (const name of types) {
    const params = paramsJsonSchema(registry.get(name)!)
    if (params === undefined) continue
    branches.push({
      if: { properties: { type: { const: name } }, required: ['type'] },
      then: { properties: { with: params } },
    })
  }
  if (branches.length > 0) step.allOf = branches
  return schema
}

/** Pretty JSON with a final newline: the committed file's exact bytes. */
export function renderPlaybookJsonSchema(registry: ReadonlyMap<string, StepType>): string {
  return `${JSON.stringify(buildPlaybookJsonSchema(registry), null, 2)}\n`
}

function paramsJsonSchema(type: StepType): Json | undefined {
  try {
    const params = z.toJSONSchema(type.params, { io: 'input', unrepresentable: 'any' }) as Json
    // References would resolve against the playbook schema's root, not this fragment.
    if ('$defs' in params || JSON.stringify(params).includes('"$ref"')) return undefined
    delete params.$schema
    return allowTemplates(params)
  } catch {
    return undefined
  }
}

const TEMPLATE: Json = { type: 'string', pattern: '\\$\\{\\{' }
const CHILD_MAPS = ['properties', 'patternProperties', '$defs'] as const
const CHILDREN = ['items', 'additionalProperties'] as const
const CHILD_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const

/** Lets each constrained node below the top-level map be a template string instead. */
function allowTemplates(node: Json): Json {
  const out: Json = { ...node }
  for (const k of CHILD_MAPS) {
    if (typeof out[k] === 'object' && out[k] !== null) {
      out[k] = Object.fromEntries(Object.entries(out[k] as Json).map(([n, v]) => [n, wrap(v)]))
    }
  }
  for (const k of CHILDREN) if (typeof out[k] === 'object' && out[k] !== null) out[k] = wrap(out[k])
  for (const k of CHILD_LISTS) if (Array.isArray(out[k])) out[k] = (out[k] as unknown[]).map((v) => allowTemplates(v as Json))
  return out
}

function wrap(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v
  const inner = allowTemplates(v as Json)
  const keys = Object.keys(inner).filter((k) => k !== 'description')
  const plainString = inner.type === 'string' && keys.length === 1
  return plainString || keys.length === 0 ? inner : { anyOf: [inner, TEMPLATE] }
}
