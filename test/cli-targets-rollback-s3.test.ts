/**
 * Rolling back a run that acted on a named AWS target, with `--sandbox` and team state in the
 * sandbox's S3: the rollback reads the journal from the sandbox first, and must still give each
 * item's step the clients of the target the run journaled (here `ecs`, in us-west-1).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { referenceEstate } from '../fixtures/generate.js'
import type { Estate } from '../sandbox/estate.js'
import { cli } from './helpers/cli.js'
import { ROOT } from './helpers/reference-run.js'

const MULTI = join(ROOT, 'playbooks/multi-cluster.yaml')

let dir: string | undefined
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
  dir = undefined
})

const westRules = (e: Estate) => (e.regions?.['us-west-1']?.events.rules ?? []).map((r) => [r.Name, r.State])

describe('rollback --sandbox of a multi-target run from S3 state', () => {
  it('puts back the items of the `ecs` target in us-west-1', async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchover-targets-s3-'))
    const state = join(dir, '.playbook')
    const play = (...args: string[]) => cli(dir!, state, ['--output', 'json', '--state', 's3://switchover-state/rehearsal', ...args])
    const seed = westRules(referenceEstate())
    expect(seed.length).toBeGreaterThan(0)
    const run = await play('run', MULTI, '--sandbox', '--yes', '--only', 'disable-ecs-schedules')
    expect(run.code).toBe(0)
    const saved = async () => JSON.parse(await readFile(join(state, 'sandbox', 'state.json'), 'utf8')) as Estate
    expect(westRules(await saved())).not.toEqual(seed)
    const back = await play('rollback', '--last', '--yes', '--sandbox')
    expect(back.events.find((e) => e.kind === 'run-end')).toMatchObject({ status: 'restored' })
    expect(back.code).toBe(0)
    expect(westRules(await saved())).toEqual(seed)
  }, 120_000)
})
