/**
 * A target with `role:` against the sandbox (`sandbox serve`'s variables: the sandbox's own
 * credentials): the run assumes the role through the sandbox's STS and signs the target's calls
 * with the session's keys, while other targets sign with the sandbox's credentials. A role the
 * sandbox does not let its principals assume refuses the run in its preflight, naming the step and
 * the target, before any write; a malformed role ARN is a validation error.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunningSandbox } from '../sandbox/index.js'
import { scratchPerTest } from './helpers/scratch.js'
import type { CallRecord } from '../sandbox/types.js'
import { cli } from './helpers/cli.js'
import { twoTargetsPlaybook } from './helpers/two-targets-playbook.js'

const ROLE = 'arn:aws:iam::111111111111:role/switchover'

const playbook = (role: string) => twoTargetsPlaybook('role-target', { ecs: `region: us-west-1, role: "${role}"`, dns: 'region: us-east-1' })

const scratch = scratchPerTest('switchover-role-')

async function setUp(role = ROLE): Promise<{ file: string; sb: RunningSandbox; play: (...args: string[]) => ReturnType<typeof cli> }> {
  const { dir, sb } = await scratch.sandbox()
  const file = join(dir, 'role.yaml')
  await writeFile(file, playbook(role))
  return { file, sb, play: (...args) => cli(dir, join(dir, 'state'), ['--output', 'json', ...args], undefined, sb.env) }
}

describe('a target with a role, against the sandbox', () => {
  it('signs the ecs target with the assumed role (session switchover-<run id>) and the dns target with the sandbox credentials', async () => {
    const { file, sb, play } = await setUp()
    const r = await play('run', file, '--yes')
    expect(r.code).toBe(0)
    const runId = r.events.find((e) => e.kind === 'run-start')!.runId as string
    const assumed = `arn:aws:sts::111111111111:assumed-role/switchover/switchover-${runId}`
    const calls = sb.calls()
    const regional = calls.filter((c) => c.service === 'ecs' || c.service === 'events' || c.service === 'scheduler')
    expect(regional.some((c) => c.mutating)).toBe(true)
    expect(new Set(regional.map((c) => c.identity))).toEqual(new Set([assumed]))
    const dns = calls.filter((c) => c.service === 'route53')
    expect(dns.some((c) => c.mutating)).toBe(true)
    expect(new Set(dns.map((c) => c.identity))).toEqual(new Set(['arn:aws:iam::000000000000:user/sandbox']))
    // Assumed once, with the sandbox's own keys: the preflight's read-only clients and the run's share the session.
    const sts = calls.filter((c) => c.service === 'sts')
    expect(sts.map((c) => [c.operation, c.status, c.identity])).toEqual([['AssumeRole', 200, 'arn:aws:iam::000000000000:user/sandbox']])
  }, 120_000)

  it('assumes the role with --sandbox too, against the STS of the in-process sandbox: its calls log names the session', async () => {
    const dir = await scratch.dir()
    const file = join(dir, 'role.yaml')
    await writeFile(file, playbook(ROLE))
    const state = join(dir, 'state')
    const r = await cli(dir, state, ['--output', 'json', 'run', file, '--sandbox', '--yes'])
    expect(r.code).toBe(0)
    const runId = r.events.find((e) => e.kind === 'run-start')!.runId as string
    const calls = (await readFile(join(state, 'sandbox', 'calls.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as CallRecord)
    const ecs = calls.filter((c) => c.service === 'ecs' || c.service === 'events')
    expect(ecs.length).toBeGreaterThan(0)
    expect(new Set(ecs.map((c) => c.identity))).toEqual(new Set([`arn:aws:sts::111111111111:assumed-role/switchover/switchover-${runId}`]))
    expect(new Set(calls.filter((c) => c.service === 'route53').map((c) => c.identity))).toEqual(new Set(['arn:aws:iam::000000000000:user/sandbox']))
  }, 120_000)

  it('refuses the run in its preflight when the role cannot be assumed: exit 2, the step and the target named, nothing written', async () => {
    const { file, sb, play } = await setUp()
    sb.core.estate.sts = { sessions: [], untrusted: [ROLE] }
    const r = await play('run', file, '--yes')
    expect(r.code).toBe(2)
    const failed = r.events.filter((e) => e.kind === 'step-failed')
    expect(failed.map((e) => [e.step, e.phase])).toEqual([['disable-ecs-schedules', 'preflight']])
    expect(String(failed[0]!.error)).toContain(`AWS target "ecs": assuming role ${ROLE} failed (AccessDenied`)
    expect(sb.calls().filter((c) => c.mutating && c.service !== 'sts')).toEqual([])
    expect(r.events.find((e) => e.kind === 'run-end')).toMatchObject({ status: 'refused' })
  }, 120_000)

  it('rejects a malformed role ARN when the playbook is loaded: exit 2, no call', async () => {
    const { file, sb, play } = await setUp('arn:aws:iam::1111:role/switchover')
    const r = await play('run', file, '--yes')
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/role\.yaml:4:\d+ aws\.ecs\.role: expected a role ARN/)
    expect(sb.calls().filter((c) => c.service !== 'control')).toEqual([])
  }, 60_000)
})
