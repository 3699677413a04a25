import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RecordSetMissing, route53Records, ShareThresholdExceeded, TtlGateRefused } from '../steps/route53-records.js'
import { route53Ttl } from '../steps/route53-ttl.js'
import type { RecordSet } from '../sandbox/estate.js'
import { awsSandbox, mutating, type AwsSandbox } from './helpers/aws-sandbox.js'
import { appliedKeys, harness, planStep, restoreStep, runStep } from './helpers/step-harness.js'

const ELB = 'Z35SXDOTRQ7X7K'
const switchParams = {
  zone: 'example.com',
  records: [
    { name: 'orders', type: 'CNAME', values: ['orders-eks-5678.us-east-1.elb.amazonaws.com'] },
    { name: 'inventory', type: 'CNAME', values: ['inventory-eks-5678.us-east-1.elb.amazonaws.com'], ttl: 120 },
    { name: 'example.com.', type: 'A', alias: { dnsName: 'Website-EKS-5678.us-east-1.elb.amazonaws.com', hostedZoneId: ELB, evaluateTargetHealth: true } },
  ],
}
const zoneSets = (s: AwsSandbox, id = 'Z0EXAMPLE0001'): RecordSet[] => s.sb.core.estate.route53.zones.find((z) => z.Id === id)!.RecordSets
const find = (s: AwsSandbox, name: string, type: string, set?: string) => zoneSets(s).find((r) => r.Name === name && r.Type === type && r.SetIdentifier === set)

describe('route53.records against the sandbox', () => {
  let s: AwsSandbox
  // Polls 2 s apart in virtual time arrive back to back in real time: a generous request rate keeps
  // the sandbox's real-time throttle (tested in steps-route53-batches) out of these tests.
  beforeEach(async () => { s = await awsSandbox({ config: { route53Rate: 1000, route53Burst: 1000 } }) })
  afterEach(async () => { await s.stop() })

  it('switches all records of the zone in one batch, reads back, reruns idle, restores exactly', async () => {
    const initial = s.sb.dump()
    let m = s.mark()
    const plan = await planStep(harness({ aws: s.readOnly, clock: s.sb.clock }), route53Records, switchParams)
    expect(mutating(s, m)).toHaveLength(0)
    expect(plan.changes).toHaveLength(3)

    const h = harness({ aws: s.aws, clock: s.sb.clock })
    m = s.mark()
    const run = await runStep(h, route53Records, switchParams)
    expect(run.error).toBeUndefined()
    expect(mutating(s, m).map((c) => c.operation)).toEqual(['ChangeResourceRecordSets'])
    expect(s.since(m).filter((c) => c.operation === 'GetChange').length).toBeGreaterThan(1)
    expect(appliedKeys(h)).toHaveLength(3)
    expect(find(s, 'orders.example.com.', 'CNAME')).toEqual({ Name: 'orders.example.com.', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'orders-eks-5678.us-east-1.elb.amazonaws.com' }] })
    expect(find(s, 'inventory.example.com.', 'CNAME')?.TTL).toBe(120)
    expect(find(s, 'example.com.', 'A')?.AliasTarget).toEqual({ HostedZoneId: ELB, DNSName: 'website-eks-5678.us-east-1.elb.amazonaws.com.', EvaluateTargetHealth: true })

    m = s.mark()
    const again = await runStep(harness({ aws: s.aws, clock: s.sb.clock }), route53Records, switchParams)
    expect(again.changes).toHaveLength(0)
    expect(mutating(s, m)).toHaveLength(0)

    m = s.mark()
    await restoreStep(harness({ aws: s.aws, clock: s.sb.clock }), route53Records, run.params, Object.fromEntries(run.changes.map((c) => [c.key, c.before])))
    expect(mutating(s, m)).toHaveLength(1)
    expect(s.sb.dump()).toEqual(initial)
  })

  it('refuses before the TTL gate with the time, and enforces it from the facts after a restart', async () => {
    const ttl = harness({ aws: s.aws, clock: s.sb.clock, stepId: 'lower-ttls' })
    await runStep(ttl, route53Ttl, { zone: 'example.com', ttl: 60, names: ['orders', 'inventory'] })
    const insyncAt = ttl.facts[0].data.insyncAt as number
    const notBefore = insyncAt + 300_000
    const at = new Date(notBefore).toISOString().slice(11, 19) + 'Z'

    const refuse = harness({ aws: s.aws, clock: s.sb.clock, facts: ttl.facts })
    const plan = await planStep(refuse, route53Records, { ...switchParams, ttlGate: 'refuse' })
    expect(plan.notes.map((n) => n.message).join('\n')).toContain(`switch not before ${at}, 5 min from now`)
    const m = s.mark()
    const refused = await runStep(refuse, route53Records, { ...switchParams, ttlGate: 'refuse' })
    expect(refused.error).toBeInstanceOf(TtlGateRefused)
    expect(String((refused.error as Error).message)).toContain(`switch not before ${at}`)
    expect(mutating(s, m)).toHaveLength(0)
    expect(find(s, 'orders.example.com.', 'CNAME')?.ResourceRecords).toEqual([{ Value: 'orders-ecs-1234.us-east-1.elb.amazonaws.com' }])

    // A new process: nothing but the journaled facts survives.
    const facts = JSON.parse(JSON.stringify(ttl.facts))
    const restarted = harness({ aws: s.aws, clock: s.sb.clock, facts })
    const m2 = s.mark()
    const run = await runStep(restarted, route53Records, switchParams)
    expect(run.error).toBeUndefined()
    const gateWait = restarted.waits.find((w) => w.reason.startsWith('TTL gate'))
    expect(gateWait?.ms).toBe(notBefore - (s.since(m2)[0] ? Date.parse(s.since(m2)[0].at) : 0))
    const change = s.since(m2).find((c) => c.operation === 'ChangeResourceRecordSets')!
    expect(Date.parse(change.at)).toBeGreaterThanOrEqual(notBefore)
  })

  it('reads the zone once per run: apply reuses the zone size observe listed (no GetHostedZone)', async () => {
    const m = s.mark()
    const run = await runStep(harness({ aws: s.aws, clock: s.sb.clock }), route53Records, switchParams)
    expect(run.error).toBeUndefined()
    const count: Record<string, number> = {}
    for (const c of s.since(m).filter((c) => c.operation !== 'GetChange')) count[c.operation] = (count[c.operation] ?? 0) + 1
    // Observe: one zone lookup and one page; apply: one batch and one read-back page.
    expect(count).toEqual({ ListHostedZonesByName: 1, ListResourceRecordSets: 2, ChangeResourceRecordSets: 1 })
  })

  it('refuses a record set that does not exist at plan time, naming the zone and the closest names, with no write', async () => {
    const typo = { zone: 'example.com', records: [{ name: 'ordres', type: 'CNAME', values: ['orders-eks-5678.us-east-1.elb.amazonaws.com'] }] }
    const m = s.mark()
    const planned = await planStep(harness({ aws: s.readOnly, clock: s.sb.clock }), route53Records, typo).catch((e) => e)
    expect(planned).toBeInstanceOf(RecordSetMissing)
    expect((planned as RecordSetMissing).phase).toBe('observe')
    expect((planned as Error).message).toContain('ordres.example.com. CNAME does not exist in zone example.com.')
    expect((planned as Error).message).toMatch(/closest: orders\.example\.com\. CNAME/)
    expect((planned as Error).message).toContain('create: true')
    const run = await runStep(harness({ aws: s.aws, clock: s.sb.clock }), route53Records, typo).catch((e) => e)
    expect(run).toBeInstanceOf(RecordSetMissing)
    expect(mutating(s, m)).toHaveLength(0)
    expect(zoneSets(s).some((r) => r.Name.startsWith('ordres'))).toBe(false)

    // The right name with the wrong type is named too: the closest sets include the same name's other types.
    const wrongType = { zone: 'example.com', records: [{ name: 'orders', type: 'A', values: ['192.0.2.10'] }] }
    const typed = await planStep(harness({ aws: s.readOnly, clock: s.sb.clock }), route53Records, wrongType).catch((e) => e)
    expect(typed).toBeInstanceOf(RecordSetMissing)
    expect((typed as Error).message).toMatch(/closest: orders\.example\.com\. CNAME/)
  })

  it('creates a record set that says create: true; a rerun is idle and the restore deletes it again', async () => {
    const initial = s.sb.dump()
    const params = { zone: 'example.com', records: [{ name: 'orders-eks', type: 'CNAME', values: ['orders-eks-5678.us-east-1.elb.amazonaws.com'], ttl: 60, create: true }] }
    const plan = await planStep(harness({ aws: s.readOnly, clock: s.sb.clock }), route53Records, params)
    expect(plan.changes.map((c) => c.before)).toEqual([null])
    const run = await runStep(harness({ aws: s.aws, clock: s.sb.clock }), route53Records, params)
    expect(run.error).toBeUndefined()
    expect(find(s, 'orders-eks.example.com.', 'CNAME')).toEqual({ Name: 'orders-eks.example.com.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'orders-eks-5678.us-east-1.elb.amazonaws.com' }] })
    const m = s.mark()
    expect((await runStep(harness({ aws: s.aws, clock: s.sb.clock }), route53Records, params)).changes).toEqual([])
    expect(mutating(s, m)).toHaveLength(0)
    // Restore mode observes the journaled keys whatever create says: a created set is deleted.
    await restoreStep(harness({ aws: s.aws, clock: s.sb.clock }), route53Records, route53Records.params.parse({ ...params, records: [{ ...params.records[0], create: false }] }), { [run.changes[0].key]: null })
    expect(s.sb.dump()).toEqual(initial)
  })

  it('refuses to change more than maxShare of the zone without --force', async () => {
    const many = { zone: 'example.com', records: ['orders', 'inventory', 'api', 'status', 'docs', 'blog', 'cdn'].map((n) => ({ name: n, type: 'CNAME', values: [`${n}.new.example.net`] })) }
    const m = s.mark()
    const plan = await planStep(harness({ aws: s.readOnly, clock: s.sb.clock }), route53Records, many)
    expect(plan.notes.some((n) => n.level === 'warn' && /refused without --force/.test(n.message))).toBe(true)
    const refused = await runStep(harness({ aws: s.aws, clock: s.sb.clock }), route53Records, many)
    expect(refused.error).toBeInstanceOf(ShareThresholdExceeded)
    expect(mutating(s, m)).toHaveLength(0)
    const forced = await runStep(harness({ aws: s.aws, clock: s.sb.clock, options: { force: true } }), route53Records, many)
    expect(forced.error).toBeUndefined()
    expect(find(s, 'blog.example.com.', 'CNAME')?.ResourceRecords).toEqual([{ Value: 'blog.new.example.net' }])
  })
})
