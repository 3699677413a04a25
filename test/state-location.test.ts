/**
 * Choosing the state backend: `--state`, PLAYBOOK_STATE and the playbook's `state:` (per
 * environment over top level), parsed into bucket and prefix; a malformed address is exit 2 with
 * no call made, and a malformed `state:` is a validation problem at its line and column.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { main } from '../runner/cli/main.js'
import type { Io } from '../runner/cli/io.js'
import { UsageError } from '../runner/errors.js'
import { parsePlaybookText, formatProblem } from '../runner/playbook/index.js'
import { chooseState, parseStateUrl } from '../runner/state/location.js'
import { REFERENCE } from './helpers/reference-run.js'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

const text = (envState = '') => `version: 1
name: s
state: s3://team-state/shop
environments:
  test: { region: us-east-1${envState} }
  prod: { region: eu-west-1 }
steps:
  - { id: lower-ttls, type: route53.ttl, with: { zone: example.com, names: [www], ttl: 60 } }
`

describe('state address', () => {
  it('parses s3://BUCKET/PREFIX and refuses anything else, saying where it came from', () => {
    expect(parseStateUrl('s3://team-state/shop/prod/', '--state')).toEqual({ bucket: 'team-state', prefix: 'shop/prod' })
    expect(parseStateUrl('s3://team-state', '--state')).toEqual({ bucket: 'team-state', prefix: '' })
    expect(() => parseStateUrl('/tmp/state', '--state')).toThrow(UsageError)
    expect(() => parseStateUrl('s3://Team_State/x', 'PLAYBOOK_STATE')).toThrow(/PLAYBOOK_STATE: "Team_State" is not a valid S3 bucket name/)
    expect(() => parseStateUrl('s3://team-state/a/../b', '--state')).toThrow(/\.\. segment/)
  })

  it('takes the flag over PLAYBOOK_STATE over the playbook; none is the local directory', () => {
    expect(chooseState({ flag: 's3://a-flag/p', env: 's3://b-env/p', playbook: 's3://c-file/p' })?.bucket).toBe('a-flag')
    expect(chooseState({ env: 's3://b-env/p', playbook: 's3://c-file/p' })?.bucket).toBe('b-env')
    expect(chooseState({ playbook: 's3://c-file/p' })?.bucket).toBe('c-file')
    expect(chooseState({})).toBeUndefined()
  })

  it("resolves the playbook's state: per environment over the top level, and reports a bad one at its position", async () => {
    const test = await parsePlaybookText(text(', state: s3://team-test/shop'), 'pb.yaml', { env: 'test' })
    const prod = await parsePlaybookText(text(', state: s3://team-test/shop'), 'pb.yaml', { env: 'prod' })
    expect(test.ok && test.playbook.state).toBe('s3://team-test/shop')
    expect(prod.ok && prod.playbook.state).toBe('s3://team-state/shop')
    const bad = await parsePlaybookText(text(', state: /var/state'), 'pb.yaml', { env: 'test' })
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.problems.map(formatProblem)).toEqual([expect.stringMatching(/^pb\.yaml:5:\d+ environments\.test\.state: expected a state address such as s3:\/\//)])
  })

  it('a malformed --state or PLAYBOOK_STATE is exit 2 before any client or sandbox exists', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'state-location-'))
    dirs.push(dir)
    let err = ''
    const io = (env: Record<string, string>): Io => ({ stdout: () => {}, stderr: (t) => void (err += t), stdinIsTTY: false, stdoutIsTTY: false, env, ask: async () => true })
    const state = join(dir, 'state')
    expect(await main(['--state-dir', state, '--state', 'file:///tmp/x', 'run', REFERENCE, '--env', 'test', '--yes'], io({}))).toBe(2)
    expect(err).toContain('--state: "file:///tmp/x" is not a state address; expected s3://BUCKET/PREFIX')
    expect(await main(['--state-dir', state, 'history'], io({ PLAYBOOK_STATE: 's3://x' }))).toBe(2)
    expect(await main(['--state-dir', state, '--state-kms-key', 'alias/k', 'history'], io({}))).toBe(2)
    expect(await main(['--state-dir', state, 'unlock', 'some-id'], io({}))).toBe(2)
    const { existsSync } = await import('node:fs')
    expect(existsSync(state)).toBe(false) // nothing was created, nothing was called
  })
})
