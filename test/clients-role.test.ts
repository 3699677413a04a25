/**
 * Assumed-role credentials of an AWS target, against the sandbox's STS with the real SDK clients:
 * one session shared by the target's clients, renewed by the run's clock before it expires (the
 * sandbox refuses expired session keys), and a failure that names the target and the role.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLazyAwsClients } from '../runner/clients/aws.js'
import { assumedRoleCredentials, REFRESH_BEFORE_MS, RoleNotAssumed, sessionName } from '../runner/clients/role.js'
import { referenceEstate } from '../fixtures/generate.js'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'

const ROLE = 'arn:aws:iam::111111111111:role/switchover'
const MINUTE = 60_000

describe('assumed-role credentials', () => {
  let sb: RunningSandbox
  // Virtual time starting at the real time: the SDK's own cache (real time) would keep keys the
  // sandbox's clock has already expired.
  beforeEach(async () => { sb = await startSandbox({ estate: { ...referenceEstate(), now: new Date().toISOString() } }) })
  afterEach(async () => { await sb.stop() })

  const clients = () =>
    createLazyAwsClients({
      env: sb.env,
      region: 'us-west-1',
      credentials: assumedRoleCredentials({ env: sb.env, region: 'us-west-1', roleArn: ROLE, target: 'ecs', runId: '20260302-014500-0a1b', now: () => sb.clock.now() }),
    })

  it('keeps a two-hour run with a one-hour role signed: assumed again by the run clock before expiry', async () => {
    const aws = clients()
    const keysAt: string[] = []
    for (let minute = 0; minute <= 120; minute += 10) {
      await aws.ecs.describeClusters({ clusters: ['legacy'] })
      await aws.eventbridge.listRuleNamesByTarget({ TargetArn: 'arn:aws:ecs:us-west-1:000000000000:cluster/legacy' })
      await sb.clock.sleep(10 * MINUTE)
    }
    const signed = sb.calls().filter((c) => c.service === 'ecs' || c.service === 'events')
    expect(signed.every((c) => c.status === 200)).toBe(true)
    for (const c of signed) keysAt.push(c.accessKey!)
    const assumes = sb.calls().filter((c) => c.service === 'sts' && c.operation === 'AssumeRole')
    // 0-120 min with sessions of 60 min renewed 10 min before their end: at 0, 50 and 100 min.
    expect(assumes.length).toBe(3)
    expect(new Set(keysAt).size).toBe(3)
    // ECS and EventBridge of one target share a session.
    expect(keysAt[0]).toBe(keysAt[1])
    expect(REFRESH_BEFORE_MS).toBe(10 * MINUTE)
    expect(new Set(signed.map((c) => c.identity))).toEqual(new Set(['arn:aws:sts::111111111111:assumed-role/switchover/switchover-20260302-014500-0a1b']))
  })

  it('fails with RoleNotAssumed naming the target and the role, the STS error as its cause', async () => {
    sb.core.estate.sts = { sessions: [], untrusted: [ROLE] }
    const err = await clients().ecs.describeClusters({ clusters: ['legacy'] }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RoleNotAssumed)
    expect((err as RoleNotAssumed).message).toContain(`AWS target "ecs": assuming role ${ROLE} failed (AccessDenied`)
    expect(((err as Error).cause as Error).name).toBe('AccessDenied')
    expect(sb.calls().filter((c) => c.service === 'ecs')).toEqual([])
  })

  it('names the session after the run, within STS limits', () => {
    expect(sessionName('20260302-014500-0a1b')).toBe('switchover-20260302-014500-0a1b')
    expect(sessionName(undefined)).toBe('switchover-playbook')
    const long = sessionName(`${'x'.repeat(70)} y/z`)
    expect(long.length).toBe(64)
    expect(long).toMatch(/^[\w+=,.@-]{2,64}$/)
  })
})
