/**
 * Rehearsing against a separate sandbox (`playbook sandbox serve` and its exported variables):
 * the environment's AWS profile and kubeconfig context name real accounts and clusters, so they
 * must not override the sandbox's credentials. The sandbox here is started in process; the CLI
 * gets exactly the variables `sandbox serve` prints.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { scratchPerTest } from './helpers/scratch.js'
import { cli } from './helpers/cli.js'
import { REFERENCE, ROOT } from './helpers/reference-run.js'

const scratch = scratchPerTest('switchover-serve-')

describe('a run against `sandbox serve`', () => {
  it('plans the test environment (profile test, context sandbox) with the sandbox credentials', async () => {
    const { dir, sb } = await scratch.sandbox()
    const r = await cli(ROOT, join(dir, 'state'), ['--output', 'json', 'plan', REFERENCE, '--env', 'test'], undefined, sb.env)
    expect(r.events.filter((e) => e.kind === 'step-plan').length).toBe(6)
    expect(r.code).toBe(0)
    expect(sb.calls().some((c) => c.service === 'route53')).toBe(true)
    expect(sb.calls().filter((c) => c.mutating)).toEqual([])
  }, 60_000)
})
