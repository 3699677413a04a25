/**
 * Rehearsing against a separate sandbox (`playbook sandbox serve` and its exported variables):
 * the environment's AWS profile and kubeconfig context name real accounts and clusters, so they
 * must not override the sandbox's credentials. The sandbox here is started in process; the CLI
 * gets exactly the variables `sandbox serve` prints.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'
import { cli } from './helpers/cli.js'
import { REFERENCE, ROOT } from './helpers/reference-run.js'

let dir: string | undefined
let sb: RunningSandbox | undefined
afterEach(async () => {
  await sb?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
  sb = undefined
  dir = undefined
})

describe('a run against `sandbox serve`', () => {
  it('plans the test environment (profile test, context sandbox) with the sandbox credentials', async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchover-serve-'))
    sb = await startSandbox({ stateDir: join(dir, 'sandbox') })
    const r = await cli(ROOT, join(dir, 'state'), ['--output', 'json', 'plan', REFERENCE, '--env', 'test'], undefined, sb.env)
    expect(r.events.filter((e) => e.kind === 'step-plan').length).toBe(6)
    expect(r.code).toBe(0)
    expect(sb.calls().some((c) => c.service === 'route53')).toBe(true)
    expect(sb.calls().filter((c) => c.mutating)).toEqual([])
  }, 60_000)
})
