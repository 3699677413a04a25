/**
 * The bundled CLI loads the STS client (its own lazy chunk) only when a target names a role: a
 * plan against the sandbox (`sandbox serve`'s variables) with and without `role:`.
 */
import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { RunningSandbox } from '../sandbox/index.js'
import { scratchPerTest } from './helpers/scratch.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const HOOK = `data:text/javascript,${encodeURIComponent("import{register}from'node:module';register('data:text/javascript,'+encodeURIComponent(\"export async function load(u,c,n){if(u.includes('/dist/bundle/'))process.stderr.write('LOADED '+u+'\\\\n');return n(u,c)}\"))")}`

const playbook = (target: string) => `version: 1
name: bundle-role
aws:
  ecs: { region: us-west-1${target} }
steps:
  - id: disable-ecs-schedules
    type: ecs.scheduled-tasks
    aws: ecs
    with: { action: disable, cluster: legacy }
`

const scratch = scratchPerTest('switchover-bundle-role-')

/** The inputs of the bundle files a `plan` of the playbook loaded, its exit code, and the sandbox it planned on. */
async function planLoads(target: string): Promise<{ code: number | null; inputs: string[]; sb: RunningSandbox }> {
  const { dir, sb } = await scratch.sandbox()
  const file = join(dir, 'p.yaml')
  await writeFile(file, playbook(target))
  const meta = JSON.parse(await readFile(join(ROOT, 'dist/bundle/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> }
  const child = spawn(process.execPath, ['--import', HOOK, join(ROOT, 'dist/bundle/playbook.js'), '--state-dir', join(dir, 'state'), 'plan', file], { cwd: dir, env: { ...process.env, ...sb.env, NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  child.stderr.setEncoding('utf8').on('data', (t: string) => (err += t))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const loaded = err.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(l.indexOf('dist/bundle/')))
  return { code, inputs: loaded.flatMap((f) => Object.keys(meta.outputs[f]?.inputs ?? {})), sb }
}

describe('the bundled CLI and roles', () => {
  it('loads @aws-sdk/client-sts for a target with a role', async () => {
    const r = await planLoads(', role: "arn:aws:iam::111111111111:role/switchover"')
    expect(r.code).toBe(0)
    expect(r.inputs.some((i) => i.includes('node_modules/@aws-sdk/client-sts/'))).toBe(true)
    expect(r.sb.calls().filter((c) => c.service === 'sts').map((c) => c.operation)).toEqual(['AssumeRole'])
  }, 60_000)

  it('does not load it for a target without one', async () => {
    const r = await planLoads('')
    expect(r.code).toBe(0)
    expect(r.inputs.some((i) => i.includes('node_modules/@aws-sdk/client-ecs/'))).toBe(true)
    expect(r.inputs.filter((i) => i.includes('client-sts') || i.includes('runner/clients/role'))).toEqual([])
  }, 60_000)
})
