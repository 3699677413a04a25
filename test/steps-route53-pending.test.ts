import { afterEach, describe, expect, it } from 'vitest'
import { route53Ttl } from '../steps/route53-ttl.js'
import { PRIOR_CHANGE_RETRY_MS } from '../steps/route53/batch.js'
import { awsSandbox, mutating, type AwsSandbox } from './helpers/aws-sandbox.js'
import { harness, runStep } from './helpers/step-harness.js'

const params = { zone: 'example.com', ttl: 60, names: ['orders', 'inventory'], types: ['CNAME'] }

describe('Route 53 batches after a crash and under the rate limit', () => {
  let s: AwsSandbox
  afterEach(async () => { await s?.stop() })

  it('waits out a change left PENDING by an earlier (killed) run instead of failing on PriorRequestNotComplete', async () => {
    // Half a minute to INSYNC: one wait of the step outlasts it (each try costs the SDK's real-time retries).
    s = await awsSandbox({ config: { route53ChangeDelayMs: 30_000 } })
    // What a run killed right after its ChangeResourceRecordSets leaves behind: a PENDING change of the zone.
    await s.aws.route53.changeResourceRecordSets({
      HostedZoneId: 'Z0EXAMPLE0001',
      ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'www.example.com.', Type: 'CNAME', SetIdentifier: 'ecs', Weight: 100, TTL: 60, ResourceRecords: [{ Value: 'website-ecs-1234.us-east-1.elb.amazonaws.com' }] } }] },
    })
    const m = s.mark()
    const h = harness({ aws: s.aws, clock: s.sb.clock })
    const run = await runStep(h, route53Ttl, params)
    expect(run.error).toBeUndefined()
    expect(h.waits.some((w) => w.ms === PRIOR_CHANGE_RETRY_MS && /still PENDING/.test(w.reason))).toBe(true)
    const applied = mutating(s, m).filter((c) => c.status === 200)
    expect(applied.map((c) => c.operation)).toEqual(['ChangeResourceRecordSets'])
    expect(s.sb.core.estate.route53.zones[0].RecordSets.find((r) => r.Name === 'orders.example.com.')?.TTL).toBe(60)
  })

  it('polls GetChange every few seconds: a one-minute change takes 7 polls, none throttled, seen when it turns INSYNC', async () => {
    s = await awsSandbox()
    const m = s.mark()
    const h = harness({ aws: s.aws, clock: s.sb.clock })
    const run = await runStep(h, route53Ttl, params)
    expect(run.error).toBeUndefined()
    const polls = s.since(m).filter((c) => c.operation === 'GetChange')
    expect(polls).toHaveLength(7)
    expect(polls.every((c) => !c.fault)).toBe(true)
    // The first poll at 1 s, then today's 10 s cadence from 10 s on: 1, 10, 20, ..., 60.
    expect(h.waits.map((w) => w.ms)).toEqual([1_000, 9_000, 10_000, 10_000, 10_000, 10_000, 10_000])
  })

  it('sees a change that is INSYNC at once within 1 s, with one GetChange', async () => {
    s = await awsSandbox({ config: { route53ChangeDelayMs: 0 } })
    const m = s.mark()
    const h = harness({ aws: s.aws, clock: s.sb.clock })
    const run = await runStep(h, route53Ttl, params)
    expect(run.error).toBeUndefined()
    expect(s.since(m).filter((c) => c.operation === 'GetChange')).toHaveLength(1)
    expect(h.waits.filter((w) => /INSYNC/.test(w.reason)).map((w) => w.ms)).toEqual([1_000])
  })
})
