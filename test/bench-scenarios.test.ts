import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { benchManifests, benchPlaybook, benchScenario } from '../fixtures/generate-bench.js'
import { differences, doubleRuns } from '../bench/kill/checks.js'
import { minimumCalls } from '../bench/perf/minimum.js'
import { defaultRegistry, parsePlaybookText } from '../runner/playbook/index.js'

describe('bench scenarios', () => {
  it('(a) is a 200-record zone with 20 ECS rules and 20 CronJobs, and its playbook is valid', async () => {
    const sc = benchScenario('medium')
    expect(sc.zones.map((z) => z.recordSets)).toEqual([200])
    expect(sc.ecsRules + sc.ecsSchedules).toBe(20)
    expect(sc.cronJobs).toHaveLength(20)
    const loaded = await parsePlaybookText(benchPlaybook(sc), 'bench.yaml', { registry: await defaultRegistry() })
    expect(loaded.ok ? [] : loaded.problems).toEqual([])
    const docs = Object.values(benchManifests(sc)).flatMap((t) => parseAllDocuments(t).map((d) => d.toJS()))
    expect(docs.filter((d) => d.kind === 'CronJob').every((d) => d.spec.suspend === true && d.metadata.annotations['switchover.dev/ecs-job'])).toBe(true)
    expect(docs.filter((d) => d.kind === 'CronJob')).toHaveLength(20)
  })

  it('(b) is 2,000 records over 4 zones, 300 ECS rules + schedules and 300 CronJobs, one per ECS job', () => {
    const sc = benchScenario('large')
    expect(sc.zones).toHaveLength(4)
    expect(sc.zones.reduce((n, z) => n + z.recordSets, 0)).toBe(2000)
    expect(sc.ecsRules + sc.ecsSchedules).toBe(300)
    expect(new Set(sc.cronJobs.map((j) => j.ecsJob)).size).toBe(300)
    // The switch stays under the records step's default 30% threshold.
    for (const z of sc.zones) expect((z.switched.length + 2) / z.recordSets).toBeLessThan(0.3)
  })

  it('counts one Route 53 batch per zone per DNS step in the minimum', () => {
    const sc = benchScenario('large')
    expect(minimumCalls(sc, 'run').byService.route53.mutating).toBe(4 * (2 + 3))
    expect(minimumCalls(sc, 'rollback').byService.route53.mutating).toBe(4 * 3)
  })
})

describe('bench scenario (c), AWS only', () => {
  it('switches 200 CNAMEs and disables 20 ECS rules with no Kubernetes step, on a Route 53 that is INSYNC at once', async () => {
    const sc = benchScenario('aws')
    expect(sc.zones).toHaveLength(1)
    expect(sc.zones[0].switched).toHaveLength(200)
    expect(sc.ecsRules + sc.ecsSchedules).toBe(20)
    expect(sc.route53ChangeDelayMs).toBe(0)
    const loaded = await parsePlaybookText(benchPlaybook(sc), 'bench.yaml', { registry: await defaultRegistry() })
    expect(loaded.ok ? loaded.playbook.steps.map((st) => st.type) : loaded.problems).toEqual(['route53.ttl', 'ecs.scheduled-tasks', 'route53.records'])
    expect(minimumCalls(sc, 'run').byService.kubernetes).toBeUndefined()
  })

  it('counts one GetChange per batch when INSYNC at once and seven for a one-minute change', () => {
    const getChanges = (sc: ReturnType<typeof benchScenario>) => {
      const min = minimumCalls(sc, 'rollback')
      const p = sc.zones.reduce((n, z) => n + Math.ceil(z.recordSets / 300), 0)
      const steps = sc.awsOnly ? 2 : 3
      return min.byService.route53.read - sc.zones.length * steps - p * steps
    }
    expect(getChanges(benchScenario('aws'))).toBe(2 * 1)
    expect(getChanges(benchScenario('medium'))).toBe(3 * 7)
  })
})

describe('kill-point checks', () => {
  it('names where two dumps differ', () => {
    expect(differences({ a: [{ TTL: 60 }], b: 1 }, { a: [{ TTL: 300 }], b: 1 })).toEqual(['a[0].TTL: 60 vs 300'])
    expect(differences({ a: 1 }, { a: 1 })).toEqual([])
  })

  it('finds a scheduled time run twice or on both platforms', () => {
    const e = (platform: 'ecs' | 'kubernetes', job = 'j', at = '2026-03-02T02:00:00Z') => ({ job, scheduledAt: at, launchedAt: at, platform, source: 's' })
    expect(doubleRuns([e('ecs'), e('kubernetes', 'k')])).toEqual([])
    expect(doubleRuns([e('ecs'), e('kubernetes')])).toHaveLength(1)
    expect(doubleRuns([e('kubernetes'), e('kubernetes')])).toHaveLength(1)
  })
})

describe('kill-point TTL gate check', () => {
  const lines = [
    { t: 'step', step: 'lower', type: 'route53.ttl' },
    { t: 'item', step: 'lower', key: 'route53:Z:a.x.:CNAME:-' },
    { t: 'item', step: 'lower', key: 'route53:Z:b.x.:CNAME:-' },
    { t: 'fact', step: 'lower', kind: 'route53.ttl-lowered', data: { zoneId: 'Z', name: 'a.x.', type: 'CNAME' } },
    { t: 'step', step: 'switch', type: 'route53.records' },
    { t: 'applied', step: 'switch', keys: ['route53:Z:a.x.:CNAME:-', 'route53:Z:b.x.:CNAME:-', 'route53:Z:c.x.:CNAME:-'] },
  ]
  it('flags a switched record whose TTL was lowered but never journaled as lowered', async () => {
    const { ungatedSwitches } = await import('../bench/kill/checks.js')
    expect(ungatedSwitches(lines)).toEqual(['route53:Z:b.x.:CNAME:- was switched without a TTL-lowered fact (no TTL gate)'])
  })

  it('matches the facts of a step on a named AWS target (`aws: dns`) to its `@dns/...` items', async () => {
    const { ungatedSwitches } = await import('../bench/kill/checks.js')
    const onTarget = lines.map((l) => ({
      ...l,
      ...(l.t === 'step' ? { aws: 'dns' } : {}),
      ...(l.key ? { key: `@dns/${l.key}` } : {}),
      ...(l.keys ? { keys: l.keys.map((k) => `@dns/${k}`) } : {}),
    }))
    expect(ungatedSwitches(onTarget)).toEqual(['@dns/route53:Z:b.x.:CNAME:- was switched without a TTL-lowered fact (no TTL gate)'])
  })
})
