import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { largeEstate, referenceEstate } from '../fixtures/generate.js'
import { ECS_JOB_ANNOTATION } from '../sandbox/estate.js'

describe('estates', () => {
  it('fixtures/estates/reference.json is the generated reference estate', async () => {
    const file = JSON.parse(await readFile(new URL('../fixtures/estates/reference.json', import.meta.url), 'utf8'))
    expect(file).toEqual(referenceEstate())
  })

  it('the reference estate has the documented prod and test resources', () => {
    const e = referenceEstate()
    expect([e.account, e.region, e.now]).toEqual(['000000000000', 'us-east-1', '2026-03-02T01:55:00.000Z'])
    const prod = e.route53.zones.find((z) => z.Id === 'Z0EXAMPLE0001')!
    const test = e.route53.zones.find((z) => z.Id === 'Z0EXAMPLETEST')!
    expect(prod.Name).toBe('example.com.')
    expect(test.Name).toBe('test.example.com.')
    const www = prod.RecordSets.find((r) => r.Name === 'www.example.com.')!
    expect(www).toMatchObject({ SetIdentifier: 'ecs', Weight: 100, TTL: 300, ResourceRecords: [{ Value: 'website-ecs-1234.us-east-1.elb.amazonaws.com' }] })
    const apex = prod.RecordSets.find((r) => r.Name === 'example.com.' && r.Type === 'A')!
    expect(apex.TTL).toBeUndefined()
    expect(apex.AliasTarget?.DNSName).toBe('website-ecs-1234.us-east-1.elb.amazonaws.com.')
    expect(test.RecordSets.find((r) => r.Name === 'orders.test.example.com.')?.ResourceRecords).toEqual([{ Value: 'test-orders-ecs-1234.us-east-1.elb.amazonaws.com' }])
    // orders, inventory, www and the apex alias are what a switchover touches: under 30% of the zone.
    expect(4 / prod.RecordSets.length).toBeLessThan(0.3)
    expect(e.ecs.clusters.map((c) => [c.clusterName, c.services.map((s) => `${s.serviceName}=${s.desiredCount}`).join(',')])).toEqual([
      ['prod', 'orders=2,inventory=2,website=2,orders-worker=1'],
      ['test', 'orders=2,inventory=2,website=2,orders-worker=1'],
    ])
    expect(e.events.rules.map((r) => `${r.Name} ${r.ScheduleExpression} ${r.State}`)).toContain('prod-orders-hourly-report cron(0 * * * ? *) ENABLED')
    expect(e.events.rules.find((r) => r.Name === 'test-audit-to-sqs')?.Targets[0].Arn).toMatch(/^arn:aws:sqs:/)
    const sitemap = e.scheduler.schedules.find((s) => s.Name === 'prod-website-sitemap')!
    expect(sitemap).toMatchObject({ ScheduleExpression: 'cron(15 * * * ? *)', ScheduleExpressionTimezone: 'Europe/Berlin', FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 } })
    expect(sitemap.Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 185, MaximumRetryAttempts: 3 })
    expect(sitemap.Target.DeadLetterConfig?.Arn).toBeTruthy()
    expect(JSON.parse(sitemap.Target.Input!)).toBeTruthy()
    expect(e.kubernetes.objects.map((o) => o.metadata.name)).toEqual(['default', 'shop', 'shop-test'])
  })

  it('largeEstate is deterministic and has the requested sizes', () => {
    const opts = { records: 2000, zones: 4, rules: 150, schedules: 150, cronJobs: 300 }
    const a = largeEstate(opts)
    expect(JSON.stringify(a)).toBe(JSON.stringify(largeEstate(opts)))
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(largeEstate({ ...opts, seed: 2 })))
    const bulkZones = a.route53.zones.filter((z) => z.Name.startsWith('bulk'))
    expect(bulkZones).toHaveLength(4)
    expect(bulkZones.reduce((n, z) => n + z.RecordSets.length, 0)).toBe(2000)
    expect(a.events.rules.filter((r) => r.Name.startsWith('bulk-'))).toHaveLength(150)
    expect(a.scheduler.schedules.filter((s) => s.Name.startsWith('bulk-'))).toHaveLength(150)
    const cronJobs = a.kubernetes.objects.filter((o) => o.kind === 'CronJob')
    expect(cronJobs).toHaveLength(300)
    const jobs = new Set([...a.events.rules.map((r) => r.Name), ...a.scheduler.schedules.map((s) => s.Name)])
    for (const c of cronJobs) expect(jobs.has((c.metadata.annotations as Record<string, string>)[ECS_JOB_ANNOTATION])).toBe(true)
    const keys = bulkZones.flatMap((z) => z.RecordSets.map((r) => `${r.Name} ${r.Type} ${r.SetIdentifier ?? ''}`))
    expect(new Set(keys).size).toBe(keys.length)
  })
})
