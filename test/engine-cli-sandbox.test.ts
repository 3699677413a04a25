/**
 * The CLI's --sandbox wiring end to end on the reference playbook: plan, run, rollback --last,
 * each starting the in-process sandbox from <state-dir>/sandbox; the estate after the rollback
 * equals the estate before the run.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mainCli } from './helpers/main-cli.js'

const root = resolve(import.meta.dirname, '..')
const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

describe('playbook CLI with --sandbox', () => {
  it('plan, run and rollback the reference playbook; the estate ends as it began', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'engine-cli-sandbox-'))
    dirs.push(dir)
    const cli = mainCli(dir)
    const pb = join(root, 'playbooks/switchover.yaml')
    const before = await cli('sandbox', 'dump')
    expect(before.code).toBe(0)
    const planned = await cli('plan', pb, '--env', 'test', '--sandbox')
    expect(planned.code).toBe(0)
    expect(planned.out).toMatch(/lower-ttls \(route53\.ttl\): 3 changes/)
    expect((await cli('sandbox', 'dump')).out).toBe(before.out)

    const ran = await cli('run', pb, '--env', 'test', '--sandbox', '--yes')
    expect(ran.code).toBe(0)
    expect((await cli('sandbox', 'dump')).out).not.toBe(before.out)

    const back = await cli('rollback', '--last', '--sandbox', '--yes')
    expect(back.code).toBe(0)
    expect((await cli('sandbox', 'dump')).out).toBe(before.out)
  }, 180_000)
})
