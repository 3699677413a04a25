/**
 * Writes playbooks/playbook.schema.json from the zod schema and the step registry.
 * Run it after changing the format or a step type's params: `npx tsx runner/playbook/write-schema.ts`
 * (a test fails while the committed file is out of date).
 */
import { writeFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import type { StepType } from '../contract.js'
import { renderPlaybookJsonSchema } from './json-schema.js'
import { defaultRegistry } from './load.js'

export const SCHEMA_FILE = 'playbooks/playbook.schema.json'

/** Writes the schema (relative paths resolve against the working directory); returns the path. */
export async function writePlaybookSchema(outFile: string = SCHEMA_FILE, registry?: ReadonlyMap<string, StepType>): Promise<string> {
  await writeFile(outFile, renderPlaybookJsonSchema(registry ?? (await defaultRegistry())))
  return outFile
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = await writePlaybookSchema(process.argv[2])
  process.stdout.write(`wrote ${file}\n`)
}
