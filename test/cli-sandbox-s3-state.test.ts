/**
 * `--sandbox` with team state in the in-process sandbox's S3: the sandbox starts before the lock
 * (the lock lives in it), the lock is released before the sandbox saves, and history, show and
 * rollback read the journal from the saved bucket in later commands.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Estate } from '../sandbox/estate.js'
import { cli } from './helpers/cli.js'
import { REFERENCE } from './helpers/reference-run.js'

let dir: string | undefined
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
  dir = undefined
})

describe('--sandbox with --state s3://', () => {
  it('runs, lists, shows and rolls back with the journal in the sandbox bucket and no local journal', async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchover-sb-s3-'))
    const state = join(dir, '.playbook')
    const play = (...args: string[]) => cli(dir!, state, ['--output', 'json', '--state', 's3://switchover-state/rehearsal', ...args])
    const run = await play('run', REFERENCE, '--sandbox', '--yes', '--only', 'lower-ttls')
    expect(run.code).toBe(0)
    const runId = run.events.find((e) => e.kind === 'run-start')!.runId as string
    const saved = JSON.parse(await readFile(join(state, 'sandbox', 'state.json'), 'utf8')) as Estate
    const keys = Object.keys(saved.s3!.buckets.find((b) => b.Name === 'switchover-state')!.Objects)
    expect(keys.filter((k) => k.startsWith(`rehearsal/runs/${runId}/`)).length).toBeGreaterThan(2)
    expect(keys).not.toContain('rehearsal/lock.json')
    const history = await play('history', '--sandbox')
    expect([history.code, history.events.map((e) => e.runId)]).toEqual([0, [runId]])
    expect((await play('show', runId, '--sandbox')).code).toBe(0)
    const back = await play('rollback', '--last', '--yes', '--sandbox')
    expect(back.code).toBe(0)
    expect(back.events.find((e) => e.kind === 'run-end')).toMatchObject({ status: 'restored' })
    await expect(readFile(join(state, 'runs'))).rejects.toThrow()
  }, 120_000)
})
