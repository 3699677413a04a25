import { afterEach, describe, expect, it } from 'vitest'
import { referenceEstate } from '../fixtures/generate.js'
import type { Estate, RecordSet } from '../sandbox/estate.js'
import { route53Records } from '../steps/route53-records.js'
import { route53Ttl } from '../steps/route53-ttl.js'
import { batchLimits, ChangeBatchFailed, splitBatches, toRoute53Change } from '../steps/route53/batch.js'
import { awsSandbox, type AwsSandbox } from './helpers/aws-sandbox.js'
import { appliedKeys, harness, planStep, restoreStep, runStep } from './helpers/step-harness.js'

const ZONE = 'Z0BULK0002500'
const svc = (i: number) => `svc-${String(i).padStart(4, '0')}`

function bulkEstate(count: number): Estate {
  const e = referenceEstate()
  const apex = 'bulk.example.org.'
  const sets: RecordSet[] = [
    { Name: apex, Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.com.' }] },
    { Name: apex, Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: 'ns-1.awsdns-01.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' }] },
  ]
  for (let i = 0; i < count; i++) sets.push({ Name: `${svc(i)}.${apex}`, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: `${svc(i)}-ecs.us-east-1.elb.amazonaws.com` }] })
  e.route53.zones.push({ Id: ZONE, Name: apex, CallerReference: 'bulk', Config: { PrivateZone: false }, RecordSets: sets })
  return e
}

const toAliases = (count: number) => ({
  zone: 'bulk.example.org',
  records: Array.from({ length: count }, (_, i) => ({
    name: svc(i), type: 'CNAME', alias: { dnsName: `${svc(i)}-eks.us-east-1.elb.amazonaws.com`, hostedZoneId: 'Z35SXDOTRQ7X7K' },
  })),
})

// Polls 2 s apart in virtual time arrive back to back in real time; a generous rate keeps the
// sandbox's real-time throttle (tested below) out of the batch tests.
const fast = { route53Rate: 1000, route53Burst: 1000 }

const changeCalls = (s: AwsSandbox, m: number) => s.since(m).filter((c) => c.operation === 'ChangeResourceRecordSets')

describe('change batches', () => {
  let s: AwsSandbox
  afterEach(async () => { await s?.stop() })

  it('splits by Route 53 limits, UPSERT counting twice', () => {
    const upserts = Array.from({ length: 2500 }, (_, i) => toRoute53Change({ key: `k${i}`, before: null, after: { Name: `${svc(i)}.x.`, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'a'.repeat(30) }] } }))
    const batches = splitBatches(upserts)
    // 2 record elements and 60 characters per UPSERT: the 1,000 record elements bind first.
    expect(batches.map((b) => b.length)).toEqual([500, 500, 500, 500, 500])
    const long = upserts.map((u) => ({ ...u, change: { ...u.change, ResourceRecordSet: { ...u.change.ResourceRecordSet!, ResourceRecords: [{ Value: 'a'.repeat(100) }] } } }))
    // 200 characters per UPSERT: the 32,000 characters bind first (160 per batch).
    expect(splitBatches(long).map((b) => b.length)).toEqual([...Array(15).fill(160), 100])
    const aliases = upserts.map((u) => ({ ...u, change: { ...u.change, ResourceRecordSet: { Name: 'n.', Type: 'A', AliasTarget: { HostedZoneId: 'Z', DNSName: 'd.', EvaluateTargetHealth: false } } } }))
    expect(splitBatches(aliases).map((b) => b.length)).toEqual([batchLimits.changes, batchLimits.changes, 500])
  })

  it('switches 2,500 records in exactly 3 change batches and restores them', async () => {
    s = await awsSandbox({ estate: bulkEstate(2500), config: fast })
    const initial = s.sb.dump()
    const m = s.mark()
    const run = await runStep(harness({ aws: s.aws, clock: s.sb.clock, options: { force: true } }), route53Records, toAliases(2500))
    expect(run.error).toBeUndefined()
    expect(run.changes).toHaveLength(2500)
    expect(changeCalls(s, m)).toHaveLength(3)
    const ops: Record<string, number> = {}
    for (const c of s.since(m)) ops[c.operation] = (ops[c.operation] ?? 0) + 1
    console.log(`2,500-record switch: ${JSON.stringify(ops)}`)
    const zone = s.sb.core.estate.route53.zones.find((z) => z.Id === ZONE)!
    expect(zone.RecordSets.filter((r) => r.AliasTarget).length).toBe(2500)
    await restoreStep(harness({ aws: s.aws, clock: s.sb.clock }), route53Records, run.params, Object.fromEntries(run.changes.map((c) => [c.key, c.before])))
    expect(s.sb.dump()).toEqual(initial)
  })

  it('a failing batch changes nothing and the applied keys are exactly the earlier batches', async () => {
    s = await awsSandbox({ estate: bulkEstate(2500), config: fast })
    const initial = s.sb.dump()
    const h = harness({ aws: s.aws, clock: s.sb.clock, options: { force: true } })
    const plan = await planStep(h, route53Records, toAliases(2500))

    s.sb.faults.add({ service: 'route53', operation: 'ChangeResourceRecordSets', error: 'Conflict', nth: 1 })
    await expect(route53Records.apply(h.ctx, plan.params, plan.changes)).rejects.toBeInstanceOf(ChangeBatchFailed)
    expect(appliedKeys(h)).toEqual([])
    expect(s.sb.dump()).toEqual(initial)

    s.sb.faults.clear()
    s.sb.faults.add({ service: 'route53', operation: 'ChangeResourceRecordSets', error: 'Conflict', nth: 2 })
    const err = await route53Records.apply(h.ctx, plan.params, plan.changes).catch((e) => e)
    expect(err).toBeInstanceOf(ChangeBatchFailed)
    expect(err.message).toMatch(/batch 2\/3.*changed nothing, 1000 changes of earlier batches are in effect/)
    expect(appliedKeys(h)).toEqual(plan.changes.slice(0, 1000).map((c) => c.key))
    const zone = s.sb.core.estate.route53.zones.find((z) => z.Id === ZONE)!
    const switched = new Set(zone.RecordSets.filter((r) => r.AliasTarget).map((r) => r.Name))
    expect(switched.size).toBe(1000)
    expect(plan.changes.slice(0, 1000).every((c) => switched.has((c.after as RecordSet).Name))).toBe(true)

    // The engine's rollback: restore what the journal says may have changed.
    s.sb.faults.clear()
    await restoreStep(h, route53Records, plan.params, Object.fromEntries(plan.changes.map((c) => [c.key, c.before])))
    expect(s.sb.dump()).toEqual(initial)
  })

  it('converges under Throttling and PriorRequestNotComplete on every second call, without duplicate changes', async () => {
    // A short INSYNC delay keeps the poll count low: the adaptive retry mode slows the client down
    // in real time after every throttling answer, and half of all answers are faults here.
    s = await awsSandbox({ config: { route53ChangeDelayMs: 2000 } })
    // One rule per operation: each operation's calls alternate between a fault and an answer.
    s.sb.faults.add({ service: 'route53', operation: 'ChangeResourceRecordSets', error: 'PriorRequestNotComplete', every: 2 })
    for (const operation of ['ListHostedZonesByName', 'GetHostedZone', 'ListResourceRecordSets', 'GetChange']) {
      s.sb.faults.add({ service: 'route53', operation, error: 'Throttling', every: 2 })
    }
    const m = s.mark()
    const h = harness({ aws: s.aws, clock: s.sb.clock })
    const ttl = await runStep(h, route53Ttl, { zone: 'example.com', ttl: 60, names: ['orders', 'inventory'] })
    expect(ttl.error).toBeUndefined()
    const rec = await runStep(harness({ aws: s.aws, clock: s.sb.clock, facts: h.facts }), route53Records, {
      zone: 'example.com', records: [{ name: 'orders', type: 'CNAME', values: ['orders-eks-5678.us-east-1.elb.amazonaws.com'] }],
    })
    expect(rec.error).toBeUndefined()
    const calls = s.since(m)
    const faults = calls.filter((c) => c.fault)
    expect(faults.some((c) => c.fault === 'Throttling')).toBe(true)
    expect(faults.some((c) => c.fault === 'PriorRequestNotComplete' && c.operation === 'ChangeResourceRecordSets')).toBe(true)
    const served = changeCalls(s, m).filter((c) => !c.fault && c.status === 200)
    expect(served).toHaveLength(2)
    expect(s.sb.core.estate.route53.changes).toHaveLength(2)
    const orders = s.sb.core.estate.route53.zones[0].RecordSets.find((r) => r.Name === 'orders.example.com.')
    expect(orders).toMatchObject({ TTL: 60, ResourceRecords: [{ Value: 'orders-eks-5678.us-east-1.elb.amazonaws.com' }] })
    console.log(`throttling test: ${calls.length} calls, ${faults.length} faulted (retried), ${served.length} change batches applied`)
  })
})
