import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultRegistry } from '../runner/playbook/index.js'
import { renderPlaybookJsonSchema } from '../runner/playbook/json-schema.js'
import { SCHEMA_FILE } from '../runner/playbook/write-schema.js'
import { fixtureRegistry } from './playbook-registry.js'

describe('playbooks/playbook.schema.json', () => {
  it('is what the zod schema and the step registry generate (run: npx tsx runner/playbook/write-schema.ts)', async () => {
    const committed = await readFile(SCHEMA_FILE, 'utf8')
    expect(committed).toBe(renderPlaybookJsonSchema(await defaultRegistry()))
  })

  it("describes each step type's params under `with`, accepting templates for typed values", () => {
    const schema = JSON.parse(renderPlaybookJsonSchema(fixtureRegistry))
    expect(schema.required).toEqual(['version', 'name', 'steps'])
    expect(schema.additionalProperties).toBe(false)
    const step = schema.properties.steps.items
    expect(step.required).toEqual(['id', 'type'])
    const branch = step.allOf.find((b: any) => b.if.properties.type.const === 'fixture.set')
    const ttl = branch.then.properties.with.properties.ttl
    expect(ttl.anyOf).toEqual([{ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }, { type: 'string', pattern: '\\$\\{\\{' }])
  })
})

/** Every module reachable from the loader through static, non-type imports. */
async function staticGraph(entry: string): Promise<Map<string, string[]>> {
  const seen = new Map<string, string[]>()
  const queue = [path.resolve(entry)]
  while (queue.length > 0) {
    const file = queue.pop()!
    if (seen.has(file)) continue
    const text = await readFile(file, 'utf8')
    // Static imports and re-exports that are not type-only; dynamic `import()` is lazy by design.
    const specs = [...text.matchAll(/^(?:import|export)\s+(?!type\b)[^'";]*?from\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm)].map((m) => (m[1] ?? m[2])!)
    seen.set(file, specs)
    for (const s of specs) if (s.startsWith('.')) queue.push(path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')))
  }
  return seen
}

describe('the validate import graph', () => {
  it('loads no AWS SDK or Kubernetes client at start, statically, including the step registry', async () => {
    const graph = new Map([...(await staticGraph('runner/playbook/index.ts')), ...(await staticGraph('steps/index.ts'))])
    const heavy = [...graph].flatMap(([file, specs]) => specs.filter((s) => /^@aws-sdk\/|^@kubernetes\//.test(s)).map((s) => `${path.relative('.', file)} -> ${s}`))
    expect(heavy).toEqual([])
  })

  it('contains no eval or Function constructor in the loader', async () => {
    for (const file of (await staticGraph('runner/playbook/index.ts')).keys()) {
      const text = await readFile(file, 'utf8')
      expect(text, file).not.toMatch(/\beval\s*\(|new\s+Function\s*\(|\bFunction\s*\(/)
    }
  })
})
