import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { route53Records } from '../steps/route53-records.js'
import { GateFailed as WeightedGateFailed } from '../runner/gates/watch.js'
import { awsSandbox, mutating, type AwsSandbox } from './helpers/aws-sandbox.js'
import { harness, planStep, restoreStep, runStep } from './helpers/step-harness.js'

const weighted = (gate: unknown) => ({
  zone: 'example.com',
  records: [{ name: 'www', type: 'CNAME', values: ['website-eks-5678.us-east-1.elb.amazonaws.com'] }],
  weighted: { from: 'ecs', to: 'eks', stages: [10, 50, 100], gate },
})

describe('route53.records weighted mode against the sandbox', () => {
  let s: AwsSandbox
  let server: Server | undefined
  // Polls 2 s apart in virtual time arrive back to back in real time: a generous request rate keeps
  // the sandbox's real-time throttle (tested in steps-route53-batches) out of these tests.
  beforeEach(async () => { s = await awsSandbox({ config: { route53Rate: 1000, route53Burst: 1000 } }) })
  afterEach(async () => {
    await s.stop()
    if (server) await new Promise((r) => server!.close(r))
    server = undefined
  })

  const weights = () =>
    Object.fromEntries(s.sb.core.estate.route53.zones[0].RecordSets.filter((r) => r.Name === 'www.example.com.').map((r) => [r.SetIdentifier, r.Weight]))

  it('a gate that fails after the 50% stage leaves a journaled stage, which the restore puts back to the original weights', async () => {
    const initial = s.sb.dump()
    const seen: Record<string, number | undefined>[] = []
    // Healthy for the two checks after the 10% stage, then 500.
    server = createServer((_req, res) => {
      seen.push(weights())
      res.statusCode = seen.length <= 2 ? 200 : 500
      res.end()
    })
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`
    const h = harness({ aws: s.aws, clock: s.sb.clock })
    const m = s.mark()
    const plan = await planStep(h, route53Records, weighted({ http: { url, expectStatus: 200, times: 2, intervalSeconds: 5 } }))
    const error = await route53Records.apply(h.ctx, plan.params, plan.changes).catch((e) => e)
    expect(error).toBeInstanceOf(WeightedGateFailed)
    expect((error as Error).message).toContain('after the 50% stage')
    expect(seen).toEqual([{ ecs: 90, eks: 10 }, { ecs: 90, eks: 10 }, { ecs: 50, eks: 50 }])
    // Both stages were declared (journaled) before their batch and reported applied after it; the
    // records stay at the 50% stage, which the engine's rollback accepts as set by the run.
    expect(h.intermediates.map((i) => [i.key.split(':').pop(), (i.state as { Weight: number }).Weight])).toEqual([['eks', 10], ['ecs', 90], ['eks', 50], ['ecs', 50]])
    expect(h.applied).toHaveLength(2)
    for (const keys of h.applied) expect(keys.sort()).toEqual(['route53:Z0EXAMPLE0001:www.example.com.:CNAME:ecs', 'route53:Z0EXAMPLE0001:www.example.com.:CNAME:eks'])
    expect(mutating(s, m).map((c) => c.operation)).toEqual(['ChangeResourceRecordSets', 'ChangeResourceRecordSets'])
    expect(weights()).toEqual({ ecs: 50, eks: 50 })
    const rollback = await restoreStep(h, route53Records, plan.params, Object.fromEntries(plan.changes.map((c) => [c.key, c.before])))
    expect(rollback).toHaveLength(2)
    expect(weights()).toEqual({ ecs: 100 })
    expect(s.sb.dump()).toEqual(initial)
  })

  it('with an approved gate shifts to 100%, reruns idle and restores exactly', async () => {
    const initial = s.sb.dump()
    const h = harness({ aws: s.aws, clock: s.sb.clock, approve: () => true })
    const run = await runStep(h, route53Records, weighted({ approval: 'Traffic looks fine?' }))
    expect(run.error).toBeUndefined()
    expect(h.approvals).toHaveLength(2)
    expect(h.applied).toHaveLength(3) // one per stage
    expect(weights()).toEqual({ ecs: 0, eks: 100 })
    const m = s.mark()
    expect((await runStep(harness({ aws: s.aws, clock: s.sb.clock }), route53Records, weighted({ approval: 'x' }))).changes).toHaveLength(0)
    expect(mutating(s, m)).toHaveLength(0)
    await restoreStep(harness({ aws: s.aws, clock: s.sb.clock }), route53Records, run.params, Object.fromEntries(run.changes.map((c) => [c.key, c.before])))
    expect(s.sb.dump()).toEqual(initial)
  })

  it('a refused approval rolls back to the original weights', async () => {
    const initial = s.sb.dump()
    const run = await runStep(harness({ aws: s.aws, clock: s.sb.clock, approve: () => false }), route53Records, weighted({ approval: 'Go on?' }))
    expect(run.error).toBeInstanceOf(WeightedGateFailed)
    expect(run.rolledBack).toBe(true)
    expect(s.sb.dump()).toEqual(initial)
  })
})
