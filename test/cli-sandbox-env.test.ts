/**
 * The quick start needs no --env: with --sandbox, a playbook that declares a `test` environment
 * rehearses that one (and says so); without --sandbox, --env stays required.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cli } from './helpers/cli.js'
import { REFERENCE, ROOT } from './helpers/reference-run.js'

let dir: string | undefined
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
  dir = undefined
})

describe('--sandbox without --env', () => {
  it('plans the test environment of the reference playbook', async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchover-env-'))
    const r = await cli(ROOT, join(dir, 'state'), ['--output', 'json', 'plan', REFERENCE, '--sandbox'])
    expect(r.code).toBe(0)
    expect(r.events.find((e) => e.kind === 'run-start')).toMatchObject({ env: 'test', mode: 'plan' })
    expect(r.err).toContain('environment test')
  }, 60_000)

  it('still requires --env against real systems', async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchover-env-'))
    const r = await cli(ROOT, join(dir, 'state'), ['plan', REFERENCE])
    expect(r.code).toBe(2)
    expect(r.err).toContain('choose one with --env')
  }, 60_000)
})
