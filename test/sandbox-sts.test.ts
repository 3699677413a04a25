/**
 * The sandbox's STS over its real wire protocol (query, XML) with the real SDK client: AssumeRole
 * and GetCallerIdentity, the service's validation, and the identity each issued key signs as.
 */
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import { ECS } from '@aws-sdk/client-ecs'
import { Route53 } from '@aws-sdk/client-route-53'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'

const ROLE = 'arn:aws:iam::111111111111:role/switchover'

describe('sandbox STS', () => {
  let sb: RunningSandbox
  beforeEach(async () => { sb = await startSandbox() })
  afterEach(async () => { await sb.stop() })

  const sandboxCredentials = () => ({ accessKeyId: sb.env.AWS_ACCESS_KEY_ID!, secretAccessKey: sb.env.AWS_SECRET_ACCESS_KEY! })
  const sts = (credentials = sandboxCredentials()) => new STSClient({ endpoint: sb.url, region: 'us-east-1', credentials, maxAttempts: 1 })
  const assume = (input: { RoleArn: string; RoleSessionName: string; DurationSeconds?: number }) => sts().send(new AssumeRoleCommand(input))

  it('assumes a role: AssumedRoleUser and Credentials expiring after the requested duration (virtual time)', async () => {
    const out = await assume({ RoleArn: ROLE, RoleSessionName: 'switchover-20260302-014500-0a1b', DurationSeconds: 900 })
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111111111111:assumed-role/switchover/switchover-20260302-014500-0a1b')
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^ARO[A-Z0-9]+:switchover-20260302-014500-0a1b$/)
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/)
    expect(out.Credentials?.SessionToken).toBeTruthy()
    expect(out.Credentials?.Expiration?.getTime()).toBe(Math.floor(sb.core.time.now() / 1000) * 1000 + 900_000)
  })

  it('tells who signed: GetCallerIdentity and the calls log name the assumed role for its keys only', async () => {
    const c = (await assume({ RoleArn: ROLE, RoleSessionName: 'rehearsal' })).Credentials!
    const assumed = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }
    const who = await sts(assumed).send(new GetCallerIdentityCommand({}))
    expect(who).toMatchObject({ Arn: 'arn:aws:sts::111111111111:assumed-role/switchover/rehearsal', Account: '111111111111' })
    expect((await sts().send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::000000000000:user/sandbox')
    await new ECS({ endpoint: sb.url, region: 'us-east-1', credentials: assumed }).listClusters({})
    await new Route53({ endpoint: sb.url, region: 'us-east-1', credentials: sandboxCredentials() }).listHostedZones({})
    const signed = sb.calls().filter((x) => x.service === 'ecs' || x.service === 'route53').map((x) => [x.operation, x.accessKey, x.identity])
    expect(signed).toEqual([
      ['ListClusters', c.AccessKeyId, 'arn:aws:sts::111111111111:assumed-role/switchover/rehearsal'],
      ['ListHostedZones', 'sandbox', 'arn:aws:iam::000000000000:user/sandbox'],
    ])
  })

  it('refuses an expired session key (ExpiredToken) and a session key it never issued', async () => {
    const c = (await assume({ RoleArn: ROLE, RoleSessionName: 'short' })).Credentials!
    const ecs = new ECS({ endpoint: sb.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } })
    await expect(ecs.listClusters({})).resolves.toHaveProperty('clusterArns')
    sb.core.time.advance(3600_000)
    await expect(ecs.listClusters({})).rejects.toMatchObject({ name: 'ExpiredTokenException', $metadata: { httpStatusCode: 400 } })
    const forged = new Route53({ endpoint: sb.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'ASIAFORGEDFORGED0000', secretAccessKey: 'x', sessionToken: 'y' } })
    await expect(forged.listHostedZones({})).rejects.toMatchObject({ name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } })
  })

  it('validates as STS does: a malformed role ARN, session names, durations; an untrusted role is AccessDenied', async () => {
    const error = (p: Promise<unknown>) => p.then(() => undefined, (e: Error & { $metadata?: { httpStatusCode?: number } }) => [e.name, e.$metadata?.httpStatusCode, e.message])
    expect(await error(assume({ RoleArn: 'arn:aws:iam::1111:role/switchover', RoleSessionName: 'ok' }))).toEqual(['ValidationError', 400, 'arn:aws:iam::1111:role/switchover is invalid'])
    expect((await error(assume({ RoleArn: ROLE, RoleSessionName: 'x' })))?.[0]).toBe('ValidationError')
    expect((await error(assume({ RoleArn: ROLE, RoleSessionName: 'x'.repeat(65) })))?.[2]).toContain('less than or equal to 64')
    expect((await error(assume({ RoleArn: ROLE, RoleSessionName: 'has space' })))?.[2]).toContain('[\\w+=,.@-]*')
    expect((await error(assume({ RoleArn: ROLE, RoleSessionName: 'ok', DurationSeconds: 7200 })))?.[2]).toContain('MaxSessionDuration')
    await expect(assume({ RoleArn: ROLE, RoleSessionName: 'a'.repeat(64) })).resolves.toHaveProperty('Credentials')
    sb.core.estate.sts!.untrusted = [ROLE]
    expect(await error(assume({ RoleArn: ROLE, RoleSessionName: 'ok' }))).toEqual(['AccessDenied', 403, `User: arn:aws:iam::000000000000:user/sandbox is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`])
  })
})
