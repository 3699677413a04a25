import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ecsScheduledTasks } from '../steps/ecs-scheduled-tasks.js'
import { awsSandbox, mutating, type AwsSandbox } from './helpers/aws-sandbox.js'
import { appliedKeys, canonical, harness, planStep, restoreStep, runStep } from './helpers/step-harness.js'

const PROD = 'arn:aws:ecs:us-east-1:000000000000:cluster/prod'
const keys = [
  'events-rule:default:prod-inventory-sync',
  'events-rule:default:prod-orders-hourly-report',
  'schedule:default:prod-orders-cleanup',
  'schedule:default:prod-website-sitemap',
]

describe('ecs.scheduled-tasks against the sandbox', () => {
  let s: AwsSandbox
  beforeEach(async () => { s = await awsSandbox() })
  afterEach(async () => { await s.stop() })

  // Whole definitions as stored, but for the timestamp every update moves.
  const stored = () => ({
    rules: s.sb.core.estate.events.rules.map((r) => JSON.parse(JSON.stringify(r))),
    schedules: s.sb.core.estate.scheduler.schedules.map(({ LastModificationDate: _l, ...rest }) => JSON.parse(JSON.stringify(rest))),
  })

  it('plans with read-only clients: finds only the ECS rules and schedules of the cluster, no writes', async () => {
    const m = s.mark()
    const plan = await planStep(harness({ aws: s.readOnly, clock: s.sb.clock }), ecsScheduledTasks, { action: 'disable', cluster: 'prod' })
    expect(mutating(s, m)).toHaveLength(0)
    expect(Object.keys(plan.observed).sort()).toEqual(keys)
    expect(plan.changes.map((c) => c.key).sort()).toEqual(keys)
    expect(plan.changes.every((c) => (c.after as { State: string }).State === 'DISABLED')).toBe(true)
  })

  it('observes a cluster in one ListRuleNamesByTarget page and one DescribeRule per rule, no ListTargetsByRule', async () => {
    const m = s.mark()
    const plan = await planStep(harness({ aws: s.readOnly, clock: s.sb.clock }), ecsScheduledTasks, { action: 'disable', cluster: PROD })
    const count: Record<string, number> = {}
    for (const c of s.since(m).filter((c) => c.service === 'events')) count[c.operation] = (count[c.operation] ?? 0) + 1
    expect(count).toEqual({ ListRuleNamesByTarget: 1, DescribeRule: 2 })
    // The SQS-target rule never comes back for the cluster ARN, so it is never an item.
    expect(Object.keys(plan.observed)).not.toContain('events-rule:default:prod-audit-to-sqs')
  })

  it('disables by cluster, journals when, keeps every schedule field, reruns idle and restores byte for byte', async () => {
    const initial = s.sb.dump()
    const initialStored = stored()
    const sitemapBefore = await s.aws.scheduler.getSchedule({ Name: 'prod-website-sitemap', GroupName: 'default' })
    const h = harness({ aws: s.aws, clock: s.sb.clock })
    const m = s.mark()
    const run = await runStep(h, ecsScheduledTasks, { action: 'disable', cluster: PROD })
    expect(run.error).toBeUndefined()
    expect(mutating(s, m).map((c) => c.operation).sort()).toEqual(['DisableRule', 'DisableRule', 'UpdateSchedule', 'UpdateSchedule'])
    expect(appliedKeys(h).sort()).toEqual(keys)
    expect(h.facts.map((f) => f.data.job).sort()).toEqual(['prod-inventory-sync', 'prod-orders-cleanup', 'prod-orders-hourly-report', 'prod-website-sitemap'])
    const sitemapFact = h.facts.find((f) => f.data.job === 'prod-website-sitemap')!.data
    expect(sitemapFact).toMatchObject({ kind: 'schedule', scheduleExpression: 'cron(15 * * * ? *)', timezone: 'Europe/Berlin', disabledAt: s.sb.clock.now() })
    expect(h.facts.find((f) => f.data.job === 'prod-orders-hourly-report')!.data).toMatchObject({ kind: 'rule', scheduleExpression: 'cron(0 * * * ? *)' })

    // Only State changed: every other field of the schedule is as it was.
    const sitemapAfter = await s.aws.scheduler.getSchedule({ Name: 'prod-website-sitemap', GroupName: 'default' })
    const strip = ({ $metadata: _m, LastModificationDate: _l, State: _s, ...rest }: Record<string, unknown>) => rest
    expect(sitemapAfter.State).toBe('DISABLED')
    expect(canonical(strip(sitemapAfter))).toBe(canonical(strip(sitemapBefore)))
    expect(sitemapAfter.Target?.Input).toBe(sitemapBefore.Target?.Input)
    expect(sitemapAfter.Target?.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 185, MaximumRetryAttempts: 3 })
    expect(sitemapAfter.FlexibleTimeWindow).toEqual({ Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 })
    // Untouched: the non-ECS rule and the other cluster.
    const untouched = s.sb.core.estate.events.rules.filter((r) => !r.Name.startsWith('prod-') || r.Name === 'prod-audit-to-sqs')
    expect(untouched.every((r) => r.State === 'ENABLED')).toBe(true)

    const m2 = s.mark()
    expect((await runStep(harness({ aws: s.aws, clock: s.sb.clock }), ecsScheduledTasks, { action: 'disable', cluster: PROD })).changes).toHaveLength(0)
    expect(mutating(s, m2)).toHaveLength(0)

    await restoreStep(harness({ aws: s.aws, clock: s.sb.clock }), ecsScheduledTasks, run.params, Object.fromEntries(run.changes.map((c) => [c.key, c.before])))
    expect(s.sb.dump()).toEqual(initial)
    expect(stored()).toEqual(initialStored)
    const sitemapRestored = await s.aws.scheduler.getSchedule({ Name: 'prod-website-sitemap', GroupName: 'default' })
    expect(canonical({ ...sitemapRestored, $metadata: 0, LastModificationDate: 0 })).toBe(canonical({ ...sitemapBefore, $metadata: 0, LastModificationDate: 0 }))
  })

  it('acts on named rules and schedules, and enables them again', async () => {
    const params = { action: 'disable', rules: ['test-inventory-sync'], schedules: ['default/test-website-sitemap'] }
    const run = await runStep(harness({ aws: s.aws, clock: s.sb.clock }), ecsScheduledTasks, params)
    expect(run.changes.map((c) => c.key).sort()).toEqual(['events-rule:default:test-inventory-sync', 'schedule:default:test-website-sitemap'])
    const h = harness({ aws: s.aws, clock: s.sb.clock })
    const enable = await runStep(h, ecsScheduledTasks, { ...params, action: 'enable' })
    expect(enable.changes).toHaveLength(2)
    expect(h.facts).toHaveLength(0)
    expect(s.sb.core.estate.scheduler.schedules.find((x) => x.Name === 'test-website-sitemap')?.State).toBe('ENABLED')
  })

  it('rejects params without a target, with a message', () => {
    const r = ecsScheduledTasks.params.safeParse({ action: 'pause' })
    expect(r.success).toBe(false)
    expect(JSON.stringify(r.error?.issues)).toMatch(/disable or enable/)
    expect(ecsScheduledTasks.params.safeParse({ action: 'disable' }).success).toBe(false)
  })
})
