import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { route53Ttl } from '../steps/route53-ttl.js'
import { ReadOnlyViolation } from '../runner/clients/read-only.js'
import { awsSandbox, mutating, type AwsSandbox } from './helpers/aws-sandbox.js'
import { appliedKeys, harness, planStep, restoreStep, runStep } from './helpers/step-harness.js'

const params = { zone: 'example.com', ttl: 60, names: ['orders', 'inventory', 'www', 'example.com.'], types: ['A', 'CNAME'] }
const K = (name: string, type = 'CNAME', set = '-') => `route53:Z0EXAMPLE0001:${name}:${type}:${set}`

describe('route53.ttl against the sandbox', () => {
  let s: AwsSandbox
  beforeEach(async () => { s = await awsSandbox() })
  afterEach(async () => { await s.stop() })

  it('plans with read-only clients: zero mutating calls, alias reported and skipped', async () => {
    const m = s.mark()
    const plan = await planStep(harness({ aws: s.readOnly, clock: s.sb.clock }), route53Ttl, params)
    expect(mutating(s, m)).toHaveLength(0)
    expect(plan.changes.map((c) => c.key).sort()).toEqual([K('inventory.example.com.'), K('orders.example.com.'), K('www.example.com.', 'CNAME', 'ecs')])
    expect(plan.changes.map((c) => c.summary)).toContain('orders.example.com. CNAME ttl 300 -> 60')
    expect(plan.notes.some((n) => n.level === 'warn' && n.message.includes('example.com. A') && n.message.includes('alias'))).toBe(true)
    await expect(route53Ttl.apply(harness({ aws: s.readOnly, clock: s.sb.clock }).ctx, plan.params, plan.changes)).rejects.toBeInstanceOf(Error)
    expect(mutating(s, m)).toHaveLength(0)
  })

  it('lowers in one batch, waits for INSYNC, journals facts; second run and restore are exact', async () => {
    const initial = s.sb.dump()
    const h = harness({ aws: s.aws, clock: s.sb.clock })
    const m = s.mark()
    const t0 = s.sb.clock.now()
    const run = await runStep(h, route53Ttl, params)
    expect(run.error).toBeUndefined()
    const writes = mutating(s, m)
    expect(writes.map((c) => c.operation)).toEqual(['ChangeResourceRecordSets'])
    expect(appliedKeys(h).sort()).toEqual(run.changes.map((c) => c.key).sort())
    expect(h.waits.every((w) => w.ms <= 10_000 && w.reason === 'Route 53 change INSYNC')).toBe(true)
    expect(h.waits.length).toBeGreaterThan(0)
    expect(h.facts).toHaveLength(3)
    for (const f of h.facts) {
      expect(f.kind).toBe('route53.ttl-lowered')
      expect(f.data).toMatchObject({ zoneId: 'Z0EXAMPLE0001', previousTtl: 300, ttl: 60 })
      expect(f.data.insyncAt as number).toBeGreaterThanOrEqual(t0 + 60_000)
    }
    expect(h.facts.find((f) => f.data.name === 'www.example.com.')?.data.setIdentifier).toBe('ecs')

    const m2 = s.mark()
    const again = await runStep(harness({ aws: s.aws, clock: s.sb.clock }), route53Ttl, params)
    expect(again.changes).toHaveLength(0)
    expect(mutating(s, m2)).toHaveLength(0)

    const before = Object.fromEntries(run.changes.map((c) => [c.key, c.before]))
    const restored = await restoreStep(harness({ aws: s.aws, clock: s.sb.clock }), route53Ttl, run.params, before)
    expect(restored).toHaveLength(3)
    expect(s.sb.dump()).toEqual(initial)
  })

  it('selects by type and value pattern', async () => {
    const plan = await planStep(harness({ aws: s.readOnly, clock: s.sb.clock }), route53Ttl, {
      zone: 'Z0EXAMPLE0001', ttl: 30, select: { types: ['CNAME', 'A'], valueMatches: '-ecs-\\d+\\.us-east-1\\.elb' },
    })
    expect(plan.changes.map((c) => c.key).sort()).toEqual([K('inventory.example.com.'), K('orders.example.com.'), K('www.example.com.', 'CNAME', 'ecs')])
    expect(plan.notes.some((n) => n.message.includes('alias'))).toBe(true)
  })

  it('refuses unknown names and bad params with messages', async () => {
    await expect(planStep(harness({ aws: s.readOnly, clock: s.sb.clock }), route53Ttl, { ...params, names: ['nope'] })).rejects.toThrow(/nope\.example\.com\./)
    const r = route53Ttl.params.safeParse({ zone: 'example.com', ttl: 'x', names: ['a'], select: { types: ['A'], valueMatches: '(' } })
    expect(r.success).toBe(false)
    expect(ReadOnlyViolation).toBeDefined()
  })
})
