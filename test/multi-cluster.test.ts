/**
 * playbooks/multi-cluster.yaml on the sandbox: ECS in us-west-1, DNS in Route 53, the mesh in the
 * legacy and the EKS cluster. Invariants 1 (plan is pure), 2 (a rerun changes nothing), 3 (run
 * then rollback is the seed exactly) and 5 (cron exclusivity); the same object name in two
 * clusters is two items; a step with `aws: ecs` really signs for us-west-1.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createAwsClients } from '../runner/clients/aws.js'
import { referenceEstate } from '../fixtures/generate.js'
import type { LedgerEntry } from '../sandbox/estate.js'
import type { Estate } from '../sandbox/estate.js'
import { entriesOf, loadReference, mutatingCalls, openWorld, planReference, rollbackLast, ROOT, runReference, type World } from './helpers/reference-run.js'

const FILE = join(ROOT, 'playbooks/multi-cluster.yaml')
const SPLIT = 'k8s:split.smi-spec.io/v1alpha2/TrafficSplit/shop/website'
const HOUR = 3_600_000

let w: World | undefined
afterEach(async () => {
  await w?.stop()
  w = undefined
})

const seedOf = (world: World) => {
  const { now: _n, ...rest } = world.sb.dump() as Record<string, unknown>
  return rest
}
const weights = (estate: Estate, cluster: 'legacy' | 'eks') => {
  const store = estate.clusters![cluster]!
  const split = store.objects.find((o) => o.kind === 'TrafficSplit' && o.metadata.name === 'website')
  return (split?.spec as { backends: Array<{ weight: number }> } | undefined)?.backends.map((b) => b.weight)
}

describe('playbooks/multi-cluster.yaml on the sandbox', () => {
  it('plans with zero mutating calls, runs, reruns with zero mutating calls, and rolls back to the seed exactly', async () => {
    w = await openWorld()
    const seed = seedOf(w)
    const planned = await planReference(w, null, FILE)
    expect(planned.steps.filter((s) => s.error)).toEqual([])
    expect(mutatingCalls(w)).toEqual([])

    const forward = await runReference(w, null, { file: FILE })
    expect(forward.status).toBe('done')
    expect(weights(w.sb.core.estate, 'legacy')).toEqual([0, 100])
    expect(weights(w.sb.core.estate, 'eks')).toEqual([0, 100])
    const legacyEcs = w.sb.core.estate.regions!['us-west-1']!.ecs.clusters[0]!
    expect(legacyEcs.services.filter((s) => s.desiredCount === 0).map((s) => s.serviceName).sort()).toEqual(['inventory', 'orders'])
    // The us-east-1 estate the reference playbook works on is untouched.
    expect(w.sb.core.estate.events.rules.every((r) => r.State === 'ENABLED')).toBe(true)

    const entries = await entriesOf(w, forward.runId)
    const begin = entries.find((e) => e.t === 'begin')!
    expect(begin.t === 'begin' && begin.where).toMatchObject({ aws: { ecs: { region: 'us-west-1' } }, clusters: { legacy: { context: 'legacy' }, eks: { context: 'eks' } } })
    expect(entries.filter((e) => e.t === 'step').map((e) => e.t === 'step' && [e.step, e.aws ?? e.cluster])).toContainEqual(['disable-ecs-schedules', 'ecs'])

    const calls = mutatingCalls(w).length
    const again = await runReference(w, null, { file: FILE })
    expect(again.status).toBe('done')
    expect(JSON.stringify(mutatingCalls(w).slice(calls))).toEqual("[]")

    const pb = await loadReference(null, FILE)
    const back = await rollbackLast(w, forward.runId, false, pb.targets)
    expect(back.status).toBe('restored')
    expect(seedOf(w)).toEqual(seed)
  })

  it('the TrafficSplit of the same name in two clusters is two items, each restored in its own cluster', async () => {
    w = await openWorld()
    const forward = await runReference(w, null, { file: FILE })
    expect(forward.status).toBe('done')
    const items = (await entriesOf(w, forward.runId)).filter((e) => e.t === 'item').map((e) => (e as { key: string }).key)
    expect(items).toContain(`@legacy/${SPLIT}`)
    expect(items).toContain(`@eks/${SPLIT}`)
    // Only the legacy one drifts: the rollback refuses it there, and does not mistake the EKS one for it.
    const legacy = w.sb.core.estate.clusters!.legacy!.objects.find((o) => o.kind === 'TrafficSplit')!
    ;(legacy.spec as { backends: Array<{ weight: number }> }).backends[0]!.weight = 7
    const pb = await loadReference(null, FILE)
    const back = await rollbackLast(w, forward.runId, false, pb.targets)
    expect(back.status).toBe('rollback-incomplete')
    expect(w.events.some((e) => e.kind === 'rollback-drift' && e.key === `@legacy/${SPLIT}`)).toBe(true)
    expect(w.events.some((e) => e.kind === 'rollback-drift' && e.key === `@eks/${SPLIT}`)).toBe(false)
  })

  it('keeps the cron jobs exclusive per cluster: no job runs on ECS in us-west-1 and on EKS at once, forward and back', async () => {
    w = await openWorld({ estate: { ...referenceEstate(), now: '2026-03-02T01:57:00.000Z' } })
    const forward = await runReference(w, null, { file: FILE })
    expect(forward.status).toBe('done')
    const entries = await entriesOf(w, forward.runId)
    const disabledAt = Math.min(...entries.filter((e) => e.t === 'fact' && e.kind === 'ecs.scheduled-task-disabled').map((e) => e.at))
    const resumedAt = Math.min(...entries.filter((e) => e.t === 'fact' && e.kind === 'k8s.cronjob-resumed').map((e) => e.at)) - 60_000
    await w.sb.clock.sleep(2 * HOUR)
    const handBack = w.sb.clock.now()
    const pb = await loadReference(null, FILE)
    expect((await rollbackLast(w, forward.runId, false, pb.targets)).status).toBe('restored')
    await w.sb.clock.sleep(2 * HOUR)
    const ledger = (w.sb.dump({ ledger: true }) as { ledger: LedgerEntry[] }).ledger.filter((e) => e.job.startsWith('legacy-'))
    const runsOf = (job: string) => ledger.filter((e) => e.job === job).map((e) => `${e.scheduledAt.slice(11, 16)} ${e.platform}`)
    expect(runsOf('legacy-orders-hourly-report')).toEqual(['02:00 kubernetes', '03:00 kubernetes', '04:00 kubernetes', '05:00 ecs', '06:00 ecs'])
    const at = (e: LedgerEntry) => Date.parse(e.launchedAt)
    expect(ledger.filter((e) => e.platform === 'ecs' && at(e) >= disabledAt && at(e) < handBack)).toEqual([])
    expect(ledger.filter((e) => e.platform === 'kubernetes' && (at(e) < resumedAt || at(e) >= handBack))).toEqual([])
    // Each scheduled time ran once, on one platform.
    const times = ledger.map((e) => `${e.job} ${e.scheduledAt}`)
    expect(new Set(times).size).toBe(times.length)
  })
})

describe('regions in the sandbox', () => {
  it('shows the us-west-1 cluster only to requests signed for us-west-1, with the real not-found answers elsewhere', async () => {
    w = await openWorld()
    const west = await createAwsClients({ env: w.sb.env, region: 'us-west-1' })
    const east = await createAwsClients({ env: w.sb.env, region: 'us-east-1' })
    expect((await west.ecs.describeClusters({ clusters: ['legacy'] })).clusters?.map((c) => c.clusterArn)).toEqual(['arn:aws:ecs:us-west-1:000000000000:cluster/legacy'])
    const missing = await east.ecs.describeClusters({ clusters: ['legacy'] })
    expect(missing.clusters).toEqual([])
    expect(missing.failures?.[0]?.reason).toBe('MISSING')
    await expect(east.ecs.listServices({ cluster: 'legacy' })).rejects.toMatchObject({ name: 'ClusterNotFoundException' })
    await expect(east.eventbridge.describeRule({ Name: 'legacy-inventory-sync' })).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
    await expect(east.scheduler.getSchedule({ Name: 'legacy-orders-cleanup' })).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
    expect((await west.scheduler.getSchedule({ Name: 'legacy-orders-cleanup' })).Arn).toContain(':us-west-1:')
  })

  it('a step with `aws: ecs` signs for us-west-1: pointed at us-east-1 instead, its preflight finds no cluster legacy and nothing changes', async () => {
    w = await openWorld()
    const seed = seedOf(w)
    const wrongRegion = await runReference(w, null, {
      file: FILE,
      edit: (pb) => ({ ...pb, targets: { ...pb.targets!, aws: { ...pb.targets!.aws, ecs: { region: 'us-east-1' } } } }),
    })
    expect(wrongRegion.status).toBe('refused')
    expect(w.events.some((e) => e.kind === 'step-failed' && e.step === 'disable-ecs-schedules')).toBe(true)
    expect(mutatingCalls(w)).toEqual([])
    expect(seedOf(w)).toEqual(seed)
  })
})
