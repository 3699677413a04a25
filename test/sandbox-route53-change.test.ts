import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Change } from '@aws-sdk/client-route-53'
import { afterEach, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'
import { failure, route53For } from './sandbox-route53-client.js'

const ZONE = 'Z0EXAMPLE0001'
const started: RunningSandbox[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()))
})
async function sandbox(opts: Parameters<typeof startSandbox>[0] = {}) {
  const sb = await startSandbox({ stateDir: await mkdtemp(join(tmpdir(), 'sandbox-r53c-')), ...opts })
  started.push(sb)
  return sb
}

const orders = (ttl: number, value = 'orders-ecs-1234.us-east-1.elb.amazonaws.com') => ({
  Name: 'orders.example.com.',
  Type: 'CNAME' as const,
  TTL: ttl,
  ResourceRecords: [{ Value: value }],
})
const batch = (...Changes: Change[]) => ({ HostedZoneId: ZONE, ChangeBatch: { Changes } })

describe('Route 53 ChangeResourceRecordSets', () => {
  it('applies UPSERT, CREATE and DELETE and answers ChangeInfo PENDING; GetChange turns INSYNC as time advances', async () => {
    const sb = await sandbox({ config: { route53ChangeDelayMs: 30_000 } })
    const r53 = route53For(sb.url)
    const out = await r53.changeResourceRecordSets({
      HostedZoneId: ZONE,
      ChangeBatch: {
        Comment: 'lower <ttl> & switch',
        Changes: [
          { Action: 'UPSERT', ResourceRecordSet: orders(60) },
          { Action: 'CREATE', ResourceRecordSet: { Name: 'www.example.com', Type: 'CNAME', SetIdentifier: 'eks', Weight: 0, TTL: 60, ResourceRecords: [{ Value: 'website-eks.example.net' }] } },
          { Action: 'DELETE', ResourceRecordSet: { Name: 'vpn.example.com.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '198.51.100.10' }] } },
        ],
      },
    })
    expect(out.ChangeInfo).toMatchObject({ Status: 'PENDING', Comment: 'lower <ttl> & switch' })
    expect(out.ChangeInfo!.Id).toMatch(/^\/change\/C[0-9A-Z]+$/)
    expect(out.ChangeInfo!.SubmittedAt!.toISOString()).toBe(new Date(sb.clock.now()).toISOString())
    const sets = sb.core.estate.route53.zones[0].RecordSets
    expect(sets.find((r) => r.Name === 'orders.example.com.')?.TTL).toBe(60)
    expect(sets.find((r) => r.SetIdentifier === 'eks')).toMatchObject({ Name: 'www.example.com.', Weight: 0 })
    expect(sets.some((r) => r.Name === 'vpn.example.com.')).toBe(false)
    expect((await r53.getChange({ Id: out.ChangeInfo!.Id })).ChangeInfo?.Status).toBe('PENDING')
    await sb.clock.sleep(29_999)
    expect((await r53.getChange({ Id: out.ChangeInfo!.Id })).ChangeInfo?.Status).toBe('PENDING')
    await fetch(`${sb.url}/_sandbox/clock/advance`, { method: 'POST', body: JSON.stringify({ ms: 1 }) })
    expect((await r53.getChange({ Id: out.ChangeInfo!.Id })).ChangeInfo?.Status).toBe('INSYNC')
    const missing = await failure(r53.getChange({ Id: 'CNOPE' }))
    expect([missing.name, missing.$metadata?.httpStatusCode]).toEqual(['NoSuchChange', 404])
    const ops = sb.calls().filter((c) => c.service === 'route53')
    expect(ops.map((c) => `${c.operation}:${c.mutating}`)).toEqual([
      'ChangeResourceRecordSets:true',
      'GetChange:false',
      'GetChange:false',
      'GetChange:false',
      'GetChange:false',
    ])
  })

  it('is atomic: one bad change fails the batch with every message and leaves the zone unchanged', async () => {
    const sb = await sandbox()
    const r53 = route53For(sb.url)
    const before = sb.dump()
    const err = await failure(
      r53.changeResourceRecordSets(
        batch(
          { Action: 'UPSERT', ResourceRecordSet: orders(60) },
          { Action: 'CREATE', ResourceRecordSet: orders(60) },
          { Action: 'DELETE', ResourceRecordSet: { Name: 'nope.example.com.', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'x.example.net' }] } },
          { Action: 'DELETE', ResourceRecordSet: { Name: 'inventory.example.com.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'inventory-ecs-1234.us-east-1.elb.amazonaws.com' }] } },
        ),
      ),
    )
    expect(err.name).toBe('InvalidChangeBatch')
    expect(err.$metadata?.httpStatusCode).toBe(400)
    expect(err.message).toBe(
      "[Tried to create resource record set [name='orders.example.com.', type='CNAME'] but it already exists, " +
        "Tried to delete resource record set [name='nope.example.com.', type='CNAME'] but it was not found, " +
        "Tried to delete resource record set [name='inventory.example.com.', type='CNAME'] but the values provided do not match the current values]",
    )
    expect(sb.dump()).toEqual(before)
    expect(sb.core.estate.route53.changes).toEqual([])
  })

  it('answers InvalidInput for a TTL on an alias and for a weighted set without SetIdentifier', async () => {
    const sb = await sandbox()
    const r53 = route53For(sb.url)
    const alias = await failure(
      r53.changeResourceRecordSets(
        batch({
          Action: 'UPSERT',
          ResourceRecordSet: { Name: 'example.com.', Type: 'A', TTL: 60, AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: 'website-eks.example.net', EvaluateTargetHealth: true } },
        }),
      ),
    )
    expect([alias.name, alias.$metadata?.httpStatusCode]).toEqual(['InvalidInput', 400])
    expect(alias.message).toContain('Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found more than one')
    const weighted = await failure(r53.changeResourceRecordSets(batch({ Action: 'CREATE', ResourceRecordSet: { ...orders(60), Name: 'shop.example.com.', Weight: 10 } })))
    expect(weighted.name).toBe('InvalidInput')
    expect(weighted.message).toContain("Missing field 'SetIdentifier'")
  })

  it('enforces the zone rules: CNAME at apex, CNAME beside other types, weighted beside non-weighted, names outside the zone', async () => {
    const sb = await sandbox()
    const r53 = route53For(sb.url)
    const cases: Array<[Change, string]> = [
      [{ Action: 'CREATE', ResourceRecordSet: { ...orders(60), Name: 'example.com.' } }, 'is not permitted at apex in zone example.com.'],
      [{ Action: 'CREATE', ResourceRecordSet: { Name: 'orders.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] } }, 'conflicting RRSet'],
      [{ Action: 'CREATE', ResourceRecordSet: { ...orders(60), SetIdentifier: 'eks', Weight: 1 } }, 'non-weighted set exists'],
      [{ Action: 'CREATE', ResourceRecordSet: { ...orders(60), Name: 'orders.example.org.' } }, 'is not permitted in zone example.com.'],
      [{ Action: 'CREATE', ResourceRecordSet: { Name: 'x.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: 'not-an-ip' }] } }, 'ARRDATAIllegalIPv4Address'],
    ]
    for (const [change, message] of cases) {
      const err = await failure(r53.changeResourceRecordSets(batch(change)))
      expect(err.name).toBe('InvalidChangeBatch')
      expect(err.message).toContain(message)
    }
    expect(sb.core.estate.route53.changes).toEqual([])
  })

  it('refuses more than 1,000 records per batch, counting UPSERT twice', async () => {
    const sb = await sandbox()
    const r53 = route53For(sb.url)
    const changes = (n: number, Action: 'CREATE' | 'UPSERT'): Change[] =>
      Array.from({ length: n }, (_, i) => ({ Action, ResourceRecordSet: { Name: `h${i}.example.com.`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] } }))
    const tooMany = await failure(r53.changeResourceRecordSets(batch(...changes(1001, 'CREATE'))))
    expect(tooMany.name).toBe('InvalidChangeBatch')
    const upserts = await failure(r53.changeResourceRecordSets(batch(...changes(501, 'UPSERT'))))
    expect(upserts.name).toBe('InvalidChangeBatch')
    expect(upserts.message).toContain('UPSERT counted twice')
    const ok = await r53.changeResourceRecordSets(batch(...changes(500, 'UPSERT')))
    expect(ok.ChangeInfo?.Status).toBe('PENDING')
    expect(sb.core.estate.route53.zones[0].RecordSets).toHaveLength(21 + 500)
  })

  it('answers PriorRequestNotComplete while the zone has a PENDING change, then accepts once INSYNC', async () => {
    const sb = await sandbox({ config: { route53ChangeDelayMs: 60_000 } })
    const r53 = route53For(sb.url)
    await r53.changeResourceRecordSets(batch({ Action: 'UPSERT', ResourceRecordSet: orders(60) }))
    const err = await failure(r53.changeResourceRecordSets(batch({ Action: 'UPSERT', ResourceRecordSet: orders(30) })))
    expect([err.name, err.$metadata?.httpStatusCode]).toEqual(['PriorRequestNotComplete', 400])
    const other = await r53.changeResourceRecordSets({ HostedZoneId: 'Z0EXAMPLETEST', ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { ...orders(60), Name: 'orders.test.example.com.' } }] } })
    expect(other.ChangeInfo?.Status).toBe('PENDING')
    await sb.clock.sleep(60_000)
    await r53.changeResourceRecordSets(batch({ Action: 'UPSERT', ResourceRecordSet: orders(30) }))
    expect(sb.core.estate.route53.zones[0].RecordSets.find((r) => r.Name === 'orders.example.com.')?.TTL).toBe(30)
    expect(sb.calls().filter((c) => c.fault === 'PriorRequestNotComplete')).toHaveLength(1)
  })

  it('throttles past the token bucket with Throttling (400); the adaptive SDK retries until served', async () => {
    const sb = await sandbox({ config: { route53Rate: 5, route53Burst: 2 } })
    const r53 = route53For(sb.url, { maxAttempts: 10, retryMode: 'adaptive' })
    const results = await Promise.all(Array.from({ length: 6 }, () => r53.listHostedZones({})))
    expect(results.every((r) => r.HostedZones?.length === 2)).toBe(true)
    const calls = sb.calls().filter((c) => c.operation === 'ListHostedZones')
    const throttled = calls.filter((c) => c.fault === 'Throttling')
    expect(throttled.length).toBeGreaterThan(0)
    expect(throttled.every((c) => c.status === 400 && c.mutating === false)).toBe(true)
    expect(calls.filter((c) => c.status === 200)).toHaveLength(6)
    const bare = route53For(sb.url, { maxAttempts: 1 })
    const burst = await Promise.allSettled(Array.from({ length: 6 }, () => bare.listHostedZones({})))
    const rejected = burst.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]
    expect(rejected.length).toBeGreaterThan(0)
    expect(rejected[0].reason).toMatchObject({ name: 'Throttling', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } })
  })
})
