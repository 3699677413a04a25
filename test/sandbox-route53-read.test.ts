import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ResourceRecordSet } from '@aws-sdk/client-route-53'
import { afterEach, describe, expect, it } from 'vitest'
import { largeEstate, referenceEstate } from '../fixtures/generate.js'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'
import { compareNames } from '../sandbox/route53/order.js'
import { failure, route53For } from './sandbox-route53-client.js'

const started: RunningSandbox[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()))
})
async function sandbox(opts: Parameters<typeof startSandbox>[0] = {}) {
  const sb = await startSandbox({ stateDir: await mkdtemp(join(tmpdir(), 'sandbox-r53-')), ...opts })
  started.push(sb)
  return sb
}

describe('Route 53 zones', () => {
  it('ListHostedZones pages with Marker/MaxItems', async () => {
    const sb = await sandbox({ estate: largeEstate({ records: 40, zones: 4, rules: 0, schedules: 0, cronJobs: 0 }) })
    const r53 = route53For(sb.url)
    const ids: string[] = []
    let marker: string | undefined
    let pages = 0
    do {
      const page = await r53.listHostedZones({ MaxItems: 4, Marker: marker })
      ids.push(...page.HostedZones!.map((z) => z.Id!))
      marker = page.IsTruncated ? page.NextMarker : undefined
      pages += 1
    } while (marker)
    expect(pages).toBe(2)
    expect(ids).toHaveLength(6)
    expect(new Set(ids).size).toBe(6)
    expect(ids.every((id) => id.startsWith('/hostedzone/'))).toBe(true)
  })

  it('ListHostedZonesByName starts at DNSName (and HostedZoneId) in reversed-label order', async () => {
    const sb = await sandbox()
    const r53 = route53For(sb.url)
    const all = await r53.listHostedZonesByName({})
    expect(all.HostedZones!.map((z) => z.Name)).toEqual(['example.com.', 'test.example.com.'])
    const first = await r53.listHostedZonesByName({ MaxItems: 1 })
    expect(first).toMatchObject({ IsTruncated: true, NextDNSName: 'test.example.com.', NextHostedZoneId: 'Z0EXAMPLETEST' })
    const second = await r53.listHostedZonesByName({ DNSName: first.NextDNSName, HostedZoneId: first.NextHostedZoneId, MaxItems: 1 })
    expect(second.HostedZones!.map((z) => z.Id)).toEqual(['/hostedzone/Z0EXAMPLETEST'])
    expect(second.IsTruncated).toBe(false)
    const err = await failure(r53.listHostedZonesByName({ HostedZoneId: 'Z0EXAMPLETEST' }))
    expect(err.name).toBe('InvalidInput')
  })

  it('GetHostedZone answers the zone with its delegation set, NoSuchHostedZone (404) otherwise', async () => {
    const sb = await sandbox()
    const r53 = route53For(sb.url)
    const zone = await r53.getHostedZone({ Id: '/hostedzone/Z0EXAMPLE0001' })
    expect(zone.HostedZone).toMatchObject({ Id: '/hostedzone/Z0EXAMPLE0001', Name: 'example.com.', Config: { PrivateZone: false }, ResourceRecordSetCount: 21 })
    expect(zone.DelegationSet?.NameServers).toHaveLength(4)
    const err = await failure(r53.getHostedZone({ Id: 'ZNOPE' }))
    expect([err.name, err.message, err.$metadata?.httpStatusCode]).toEqual(['NoSuchHostedZone', 'No hosted zone found with ID: ZNOPE', 404])
  })
})

describe('Route 53 ListResourceRecordSets', () => {
  it('pages over more than 300 record sets in Route 53 order, 300 per page by default and at most', async () => {
    const sb = await sandbox({ estate: largeEstate({ records: 700, zones: 1, rules: 0, schedules: 0, cronJobs: 0 }) })
    const zone = sb.core.estate.route53.zones.find((z) => z.Name === 'bulk0.example.net.')!
    const r53 = route53For(sb.url)
    const seen: ResourceRecordSet[] = []
    const sizes: number[] = []
    let start: { StartRecordName?: string; StartRecordType?: 'A'; StartRecordIdentifier?: string } = {}
    for (;;) {
      const page = await r53.listResourceRecordSets({ HostedZoneId: zone.Id, MaxItems: sizes.length === 1 ? 1000 : undefined, ...start })
      seen.push(...page.ResourceRecordSets!)
      sizes.push(page.ResourceRecordSets!.length)
      if (!page.IsTruncated) break
      start = { StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType as 'A', StartRecordIdentifier: page.NextRecordIdentifier }
    }
    expect(sizes).toEqual([300, 300, 100])
    const keys = seen.map((r) => `${r.Name} ${r.Type} ${r.SetIdentifier ?? ''}`)
    expect(new Set(keys).size).toBe(700)
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1], seen[i]]
      const order = compareNames(a.Name!, b.Name!) || (a.Type! < b.Type! ? -1 : a.Type! > b.Type! ? 1 : 0) || ((a.SetIdentifier ?? '') < (b.SetIdentifier ?? '') ? -1 : 1)
      expect(order).toBeLessThan(0)
    }
    expect(seen.some((r) => r.SetIdentifier)).toBe(true)
    expect(sb.calls().filter((c) => c.operation === 'ListResourceRecordSets')).toHaveLength(3)
  })

  it('starts at name/type/identifier and names the next weighted set by its identifier', async () => {
    const estate = referenceEstate()
    const zone = estate.route53.zones[0]
    zone.RecordSets.push({ Name: 'www.example.com.', Type: 'CNAME', SetIdentifier: 'eks', Weight: 0, TTL: 300, ResourceRecords: [{ Value: 'website-eks.example.net' }] })
    const sb = await sandbox({ estate })
    const r53 = route53For(sb.url)
    const first = await r53.listResourceRecordSets({ HostedZoneId: zone.Id, StartRecordName: 'www.example.com', StartRecordType: 'CNAME', MaxItems: 1 })
    expect(first.ResourceRecordSets!.map((r) => r.SetIdentifier)).toEqual(['ecs'])
    expect(first).toMatchObject({ IsTruncated: true, NextRecordName: 'www.example.com.', NextRecordType: 'CNAME', NextRecordIdentifier: 'eks' })
    const next = await r53.listResourceRecordSets({ HostedZoneId: zone.Id, StartRecordName: 'www.example.com.', StartRecordType: 'CNAME', StartRecordIdentifier: 'eks' })
    expect(next.ResourceRecordSets!.map((r) => `${r.Name} ${r.SetIdentifier}`)).toEqual(['www.example.com. eks'])
    expect(next.IsTruncated).toBe(false)
    const apex = await r53.listResourceRecordSets({ HostedZoneId: zone.Id, MaxItems: 5 })
    expect(apex.ResourceRecordSets!.map((r) => r.Type)).toEqual(['A', 'MX', 'NS', 'SOA', 'TXT'])
    expect(apex.ResourceRecordSets![0]).toMatchObject({ AliasTarget: { DNSName: 'website-ecs-1234.us-east-1.elb.amazonaws.com.', EvaluateTargetHealth: true } })
    expect(apex.ResourceRecordSets![0].TTL).toBeUndefined()
    const err = await failure(r53.listResourceRecordSets({ HostedZoneId: zone.Id, StartRecordType: 'A' }))
    expect(err.name).toBe('InvalidInput')
  })
})

describe('Route 53 TestDNSAnswer', () => {
  it('answers from the zone: the heaviest weighted set, alias targets, CNAME for other types, NXDOMAIN', async () => {
    const estate = referenceEstate()
    estate.route53.zones[0].RecordSets.push({ Name: 'www.example.com.', Type: 'CNAME', SetIdentifier: 'eks', Weight: 200, TTL: 60, ResourceRecords: [{ Value: 'website-eks.example.net' }] })
    const sb = await sandbox({ estate })
    const r53 = route53For(sb.url)
    const www = await r53.testDNSAnswer({ HostedZoneId: 'Z0EXAMPLE0001', RecordName: 'www.example.com', RecordType: 'CNAME' })
    expect(www).toMatchObject({ RecordName: 'www.example.com.', RecordType: 'CNAME', RecordData: ['website-eks.example.net'], ResponseCode: 'NOERROR', Protocol: 'UDP' })
    const apex = await r53.testDNSAnswer({ HostedZoneId: 'Z0EXAMPLE0001', RecordName: 'example.com.', RecordType: 'A' })
    expect(apex.RecordData).toEqual(['website-ecs-1234.us-east-1.elb.amazonaws.com.'])
    const viaCname = await r53.testDNSAnswer({ HostedZoneId: 'Z0EXAMPLE0001', RecordName: 'orders.example.com.', RecordType: 'A' })
    expect([viaCname.RecordType, viaCname.RecordData]).toEqual(['CNAME', ['orders-ecs-1234.us-east-1.elb.amazonaws.com']])
    const missing = await r53.testDNSAnswer({ HostedZoneId: 'Z0EXAMPLE0001', RecordName: 'nope.example.com.', RecordType: 'A' })
    expect([missing.ResponseCode, missing.RecordData]).toEqual(['NXDOMAIN', []])
    expect(sb.calls().every((c) => c.operation === 'TestDNSAnswer' && c.mutating === false)).toBe(true)
  })
})
