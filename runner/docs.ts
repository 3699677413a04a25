/**
 * The step reference (docs/steps.md), generated from the registry: each step type's description
 * and the JSON Schema of its params. A test regenerates it and compares, so it cannot go stale.
 * Regenerate with `npx tsx runner/docs.ts > docs/steps.md`.
 */
import { pathToFileURL } from 'node:url'
import * as z from 'zod'
import type { StepType } from './contract.js'
import { byCodeUnits } from './canonical.js'

type Json = { [k: string]: unknown }
type Row = { path: string; type: string; required: boolean; default?: unknown; note: string }

/** Markdown for every step type of `registry` except the test-only ones (`test.*`). */
export function stepReference(registry: ReadonlyMap<string, StepType>): string {
  const types = [...registry.values()].filter((t) => !t.type.startsWith('test.')).sort((a, b) => byCodeUnits(a.type, b.type))
  const out = [
    '# Step reference',
    '',
    'Generated from the step types\' schemas by `runner/docs.ts`; do not edit by hand.',
    'Every step is written as `{ id, type, with: {params} }` in a playbook; `playbook validate` checks the params below.',
    '',
    ...types.map((t) => `- [\`${t.type}\`](#${t.type.replace(/\./g, '')})`),
    '',
  ]
  for (const t of types) {
    out.push(`## \`${t.type}\``, '', t.description, '')
    if (t.irreversible) out.push(`**Irreversible:** ${t.irreversible}`, '')
    out.push('| param | type | required | default | notes |', '| --- | --- | --- | --- | --- |')
    for (const r of rows(z.toJSONSchema(t.params, { io: 'input', unrepresentable: 'any' }) as Json, '')) {
      const dflt = r.default === undefined ? '' : `\`${JSON.stringify(r.default)}\``
      out.push(`| \`${r.path}\` | ${r.type} | ${r.required ? 'yes' : ''} | ${dflt} | ${r.note} |`)
    }
    out.push('')
  }
  return out.join('\n')
}

function rows(schema: Json, prefix: string): Row[] {
  const props = (schema.properties ?? {}) as Record<string, Json>
  const required = new Set((schema.required ?? []) as string[])
  const out: Row[] = []
  for (const [name, s] of Object.entries(props)) {
    const path = prefix + name
    out.push({ path, type: typeOf(s), required: required.has(name) && s.default === undefined, default: s.default, note: noteOf(s) })
    const objects = [s, ...((s.anyOf ?? s.oneOf ?? []) as Json[])].filter((x) => x.type === 'object' && x.properties)
    for (const o of objects) out.push(...rows(o, `${path}.`))
    const items = s.items as Json | undefined
    if (items?.type === 'object' && items.properties) out.push(...rows(items, `${path}[].`))
  }
  return out
}

function typeOf(s: Json): string {
  if (s.enum) return (s.enum as unknown[]).map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ')
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``
  const alts = (s.anyOf ?? s.oneOf) as Json[] | undefined
  if (alts) return alts.map(typeOf).join(' \\| ')
  if (s.type === 'array') return `list of ${typeOf((s.items ?? {}) as Json)}`
  if (s.type === 'object' && !s.properties && s.additionalProperties) return `map of ${typeOf(s.additionalProperties as Json)}`
  return String(s.type ?? 'any')
}

function noteOf(s: Json): string {
  const notes: string[] = []
  if (typeof s.description === 'string') notes.push(s.description)
  if (typeof s.pattern === 'string') notes.push(`matches \`${s.pattern.replace(/\|/g, '\\|')}\``)
  if (typeof s.minimum === 'number') notes.push(`≥ ${s.minimum}`)
  if (typeof s.exclusiveMinimum === 'number') notes.push(`> ${s.exclusiveMinimum}`)
  if (typeof s.maximum === 'number' && s.maximum < Number.MAX_SAFE_INTEGER) notes.push(`≤ ${s.maximum}`)
  if (typeof s.format === 'string') notes.push(s.format)
  return notes.join('; ')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { stepTypes } = await import('../steps/index.js')
  process.stdout.write(stepReference(stepTypes))
}
