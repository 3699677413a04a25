/**
 * Profiles per AWS target outside the sandbox mode: a shared credentials file and a config file
 * of the test's own with two profiles, the SDK's standard endpoint override pointing at a sandbox.
 * Each target signs with its profile's key; a profile with a role assumes it with that key; a
 * profile neither file declares is a usage error before any call.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { referenceEstate } from '../fixtures/generate.js'
import type { RunningSandbox } from '../sandbox/index.js'
import { scratchPerTest } from './helpers/scratch.js'
import { cli } from './helpers/cli.js'
import { twoTargetsPlaybook } from './helpers/two-targets-playbook.js'

const NET_KEY = 'AKIANETEXAMPLE000001'
const LEGACY_KEY = 'AKIALEGACYEXAMPLE001'
const ROLE = 'arn:aws:iam::111111111111:role/switchover'

const playbook = (ecs: string) => twoTargetsPlaybook('profile-targets', { dns: 'region: us-east-1, profile: net', ecs: `region: us-west-1, ${ecs}` })

const scratch = scratchPerTest('switchover-profiles-')

let sb: RunningSandbox

async function planWith(ecs: string) {
  // The runner's clock is the real one here: so is the sandbox's, or its sessions would end in the past.
  const opened = await scratch.sandbox({ estate: { ...referenceEstate(), now: new Date().toISOString() } })
  const dir = opened.dir
  sb = opened.sb
  await writeFile(join(dir, 'credentials'), `[net]\naws_access_key_id = ${NET_KEY}\naws_secret_access_key = net-secret\n\n[legacy]\naws_access_key_id = ${LEGACY_KEY}\naws_secret_access_key = legacy-secret\n`)
  await writeFile(join(dir, 'config'), '[profile net]\nregion = us-east-1\n\n[profile legacy]\nregion = us-west-1\n')
  const file = join(dir, 'profiles.yaml')
  await writeFile(file, playbook(ecs))
  // Not the sandbox mode: no PLAYBOOK_SANDBOX_URL and no credentials of the sandbox, only the endpoint.
  const env = {
    AWS_ENDPOINT_URL: sb.url,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  }
  return cli(dir, join(dir, 'state'), ['--output', 'json', 'plan', file], undefined, env)
}

const keysOf = (services: string[]) => new Set(sb.calls().filter((c) => services.includes(c.service)).map((c) => c.accessKey))

describe('profiles per AWS target', () => {
  it('signs each target with the key of its own profile', async () => {
    const r = await planWith('profile: legacy')
    expect(r.code).toBe(0)
    expect(keysOf(['route53'])).toEqual(new Set([NET_KEY]))
    expect(keysOf(['ecs', 'events', 'scheduler'])).toEqual(new Set([LEGACY_KEY]))
    expect(sb.calls().filter((c) => c.mutating)).toEqual([])
  }, 60_000)

  it('assumes the role of a target with the credentials of its profile', async () => {
    const r = await planWith(`profile: legacy, role: "${ROLE}"`)
    expect(r.code).toBe(0)
    const sts = sb.calls().filter((c) => c.service === 'sts')
    expect(sts.map((c) => [c.operation, c.accessKey])).toEqual([['AssumeRole', LEGACY_KEY]])
    const regional = sb.calls().filter((c) => ['ecs', 'events', 'scheduler'].includes(c.service))
    expect(new Set(regional.map((c) => c.identity))).toEqual(new Set(['arn:aws:sts::111111111111:assumed-role/switchover/switchover-playbook']))
    expect(keysOf(['route53'])).toEqual(new Set([NET_KEY]))
  }, 60_000)

  it('refuses a profile that neither file declares: exit 2, target and profile named, no call', async () => {
    const r = await planWith('profile: nosuch')
    expect(r.code).toBe(2)
    expect(r.err).toContain('AWS target "ecs": no AWS profile "nosuch"')
    expect(sb.calls()).toEqual([])
  }, 60_000)
})
