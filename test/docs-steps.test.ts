/** docs/steps.md is generated from the step registry; this keeps the checked-in file current. */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { stepReference } from '../runner/docs.js'
import { stepTypes } from '../steps/index.js'
import { ROOT } from './helpers/reference-run.js'

describe('docs/steps.md', () => {
  it('is what runner/docs.ts generates (regenerate: npx tsx runner/docs.ts > docs/steps.md)', async () => {
    expect(await readFile(join(ROOT, 'docs/steps.md'), 'utf8')).toBe(stepReference(stepTypes))
  })

  it('documents every registered step type but the test-only ones, with every top-level param', () => {
    const doc = stepReference(stepTypes)
    for (const t of stepTypes.values()) {
      if (t.type.startsWith('test.')) {
        expect(doc).not.toContain(`## \`${t.type}\``)
        continue
      }
      expect(doc).toContain(`## \`${t.type}\``)
      const section = doc.slice(doc.indexOf(`## \`${t.type}\``)).split('\n## ')[0]
      const props = Object.keys((z.toJSONSchema(t.params, { io: 'input', unrepresentable: 'any' }) as { properties?: object }).properties ?? {})
      expect(props.length).toBeGreaterThan(0)
      for (const p of props) expect(section).toContain(`| \`${p}\` |`)
    }
  })
})
