import { afterEach, describe, expect, it } from 'vitest'
import { DisableRuleCommand, EnableRuleCommand } from '@aws-sdk/client-eventbridge'
import { GetScheduleCommand, UpdateScheduleCommand, type GetScheduleCommandOutput, type UpdateScheduleCommandInput } from '@aws-sdk/client-scheduler'
import { referenceEstate } from '../fixtures/generate.js'
import type { LedgerEntry } from '../sandbox/estate.js'
import { startAwsSandbox, type AwsSandbox } from './sandbox-aws-helpers.js'

const HOUR = 3_600_000
const started: AwsSandbox[] = []
async function start(): Promise<AwsSandbox> {
  const s = await startAwsSandbox(referenceEstate())
  started.push(s)
  return s
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()))
})

const entries = (s: AwsSandbox, job: string): LedgerEntry[] => s.sandbox.core.estate.ledger.filter((e) => e.job === job)
const times = (s: AwsSandbox, job: string) => entries(s, job).map((e) => e.scheduledAt)

function definition(got: GetScheduleCommandOutput): UpdateScheduleCommandInput {
  const { $metadata, Arn, CreationDate, LastModificationDate, ...rest } = got
  return rest as UpdateScheduleCommandInput
}

describe('sandbox ECS launcher (cron ledger)', () => {
  it('launches an hourly rule three times across a three-hour advance, at the right times', async () => {
    const s = await start() // virtual now 2026-03-02T01:45:00Z
    await s.sandbox.clock.sleep(3 * HOUR)
    expect(entries(s, 'prod-orders-hourly-report')).toEqual(
      ['02', '03', '04'].map((h) => ({
        job: 'prod-orders-hourly-report',
        scheduledAt: `2026-03-02T${h}:00:00.000Z`,
        launchedAt: `2026-03-02T${h}:00:00.000Z`,
        platform: 'ecs',
        source: 'arn:aws:events:us-east-1:000000000000:rule/prod-orders-hourly-report',
      })),
    )
    // rate(30 minutes) on the epoch-aligned grid; the SQS rule is not an ECS task and never launches.
    expect(times(s, 'prod-inventory-sync')).toEqual(['02:00', '02:30', '03:00', '03:30', '04:00', '04:30'].map((t) => `2026-03-02T${t}:00.000Z`))
    expect(entries(s, 'prod-audit-to-sqs')).toEqual([])
    expect(s.sandbox.core.estate.ledger.every((e) => e.platform === 'ecs')).toBe(true)
  })

  it('launches nothing while a rule is disabled and catches nothing up when it is enabled again', async () => {
    const s = await start()
    await s.events.send(new DisableRuleCommand({ Name: 'prod-orders-hourly-report' }))
    await s.sandbox.clock.sleep(3 * HOUR) // to 04:45
    expect(entries(s, 'prod-orders-hourly-report')).toEqual([])
    expect(entries(s, 'test-orders-hourly-report')).toHaveLength(3)
    await s.events.send(new EnableRuleCommand({ Name: 'prod-orders-hourly-report' }))
    await s.sandbox.clock.sleep(HOUR) // to 05:45
    expect(times(s, 'prod-orders-hourly-report')).toEqual(['2026-03-02T05:00:00.000Z'])
  })

  it('reads a Scheduler cron in its time zone and keeps the nominal time under a flexible window', async () => {
    const s = await start()
    // orders-cleanup is cron(0 2 * * ? *): 02:00 UTC for test-, 02:00 New York (07:00Z on 2 March) for prod- after this update.
    const got = await s.scheduler.send(new GetScheduleCommand({ Name: 'prod-orders-cleanup' }))
    await s.scheduler.send(new UpdateScheduleCommand({ ...definition(got), ScheduleExpressionTimezone: 'America/New_York' }))
    await s.sandbox.clock.sleep(24 * HOUR)
    expect(times(s, 'test-orders-cleanup')).toEqual(['2026-03-02T02:00:00.000Z'])
    expect(times(s, 'prod-orders-cleanup')).toEqual(['2026-03-02T07:00:00.000Z'])

    // website-sitemap: cron(15 * * * ? *) in Europe/Berlin, FLEXIBLE 5 minutes.
    const sitemap = entries(s, 'prod-website-sitemap')
    expect(sitemap).toHaveLength(24)
    expect(sitemap[0]!.scheduledAt).toBe('2026-03-02T02:15:00.000Z')
    for (const e of sitemap) {
      const delay = Date.parse(e.launchedAt) - Date.parse(e.scheduledAt)
      expect(new Date(e.scheduledAt).getUTCMinutes()).toBe(15)
      expect(delay >= 0 && delay < 5 * 60_000).toBe(true)
    }
    expect(new Set(sitemap.map((e) => Date.parse(e.launchedAt) - Date.parse(e.scheduledAt))).size).toBeGreaterThan(1)
    expect(sitemap[0]!.source).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/default/prod-website-sitemap')
  })

  it('launches nothing for a schedule disabled through UpdateSchedule', async () => {
    const s = await start()
    const got = await s.scheduler.send(new GetScheduleCommand({ Name: 'prod-website-sitemap' }))
    await s.scheduler.send(new UpdateScheduleCommand({ ...definition(got), State: 'DISABLED' }))
    await s.sandbox.clock.sleep(3 * HOUR)
    expect(entries(s, 'prod-website-sitemap')).toEqual([])
    expect(entries(s, 'test-website-sitemap')).toHaveLength(3)
  })

  it('is deterministic: the same ledger however time is advanced, each scheduled time once', async () => {
    const a = await start()
    const b = await start()
    await a.sandbox.clock.sleep(6 * HOUR)
    for (let i = 0; i < 36; i++) await b.sandbox.clock.sleep(10 * 60_000)
    expect(b.sandbox.core.estate.ledger).toEqual(a.sandbox.core.estate.ledger)
    const keys = a.sandbox.core.estate.ledger.map((e) => `${e.source}@${e.scheduledAt}`)
    expect(new Set(keys).size).toBe(keys.length)
    // 2 clusters x (6 hourly + 12 half-hourly + 6 sitemap + 1 cleanup at 02:00Z)
    expect(keys).toHaveLength(2 * (6 + 12 + 6 + 1))
    const launched = a.sandbox.core.estate.ledger.map((e) => Date.parse(e.launchedAt))
    expect(launched).toEqual([...launched].sort((x, y) => x - y))
  })
})
