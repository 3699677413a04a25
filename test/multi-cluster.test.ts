/**
 * playbooks/multi-cluster.yaml on the sandbox: ECS in us-west-1, DNS in Route 53, the mesh in the
 * legacy and the EKS cluster (mesh.shift, gated by the website's 5xx alarm). Invariants 1 (plan is
 * pure), 2 (a rerun changes nothing), 3 (run then rollback is the seed exactly) and 5 (cron
 * exclusivity); a failed gate puts both clusters' splits back; the same object name in two
 * clusters is two items; a step with `aws: ecs` really signs for us-west-1.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createAwsClients } from '../runner/clients/aws.js'
import { referenceEstate } from '../fixtures/generate.js'
import type { LedgerEntry } from '../sandbox/estate.js'
import type { Estate } from '../sandbox/estate.js'
import type { EngineEvent } from '../runner/events.js'
import { entriesOf, loadReference, mutatingCalls, openWorld, pauseBefore, planReference, rollbackLast, ROOT, runReference, type World } from './helpers/reference-run.js'

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
const seedAlarm = referenceEstate().cloudwatch!.alarms.find((a) => a.AlarmName === 'prod-website-5xx')!

/** Events that call `on` for each one as the engine emits it. */
function watching(on: (e: EngineEvent) => void): EngineEvent[] {
  return new (class extends Array<EngineEvent> {
    override push(...items: EngineEvent[]): number {
      for (const e of items) on(e)
      return super.push(...items)
    }
  })()
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

    // The mesh shift: both clusters per stage, the alarm gate after 50% and through the bake.
    const stages = entries.filter((e) => e.t === 'stage' && e.step === 'shift-mesh').map((e) => (e as { key: string }).key.split('/')[0])
    expect(stages).toEqual(['@legacy', '@eks', '@legacy', '@eks'])
    const gates = entries.filter((e) => e.t === 'fact' && e.kind === 'gate' && e.step === 'shift-mesh').map((e) => (e as { data: Record<string, unknown> }).data)
    expect(gates.map((g) => [g.stage, g.gate, g.passed])).toEqual([
      ['after the 50% stage', 'alarms prod-website-5xx', true],
      ['during the 5m bake', 'alarms prod-website-5xx', true],
    ])

    const calls = mutatingCalls(w).length
    const again = await runReference(w, null, { file: FILE })
    expect(again.status).toBe('done')
    expect(JSON.stringify(mutatingCalls(w).slice(calls))).toEqual("[]")

    const pb = await loadReference(null, FILE)
    const back = await rollbackLast(w, forward.runId, false, pb.targets)
    expect(back.status).toBe('restored')
    expect(seedOf(w)).toEqual(seed)
  })

  it('an alarm in ALARM during the bake fails the mesh shift: both splits go back, and the run rolls back to the seed', async () => {
    w = await openWorld()
    const world = w
    const seed = seedOf(world)
    const alarm = world.sb.core.estate.cloudwatch!.alarms.find((a) => a.AlarmName === 'prod-website-5xx')!
    let bakeWaits = 0
    world.events = watching((e) => {
      if (e.kind === 'wait' && e.reason.startsWith('gate during the 5m bake') && ++bakeWaits === 3) Object.assign(alarm, { StateValue: 'ALARM', StateReason: 'set by the test' })
    })
    const r = await runReference(world, null, { file: FILE })
    expect([r.status, r.exitCode]).toEqual(['rolled-back', 1])
    expect(world.events.find((e) => e.kind === 'step-failed')).toMatchObject({ step: 'shift-mesh' })
    expect(weights(world.sb.core.estate, 'legacy')).toEqual([100, 0])
    expect(weights(world.sb.core.estate, 'eks')).toEqual([100, 0])
    Object.assign(alarm, { StateValue: 'OK', StateReason: seedAlarm.StateReason })
    expect(seedOf(world)).toEqual(seed)
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

  it('never runs on eks a schedule ECS in us-west-1 already ran: ECS runs 02:00 just before the disable, the resumed CronJobs start at 03:00', async () => {
    w = await openWorld({ estate: { ...referenceEstate(), now: '2026-03-02T01:57:00.000Z' } })
    const world = w
    // Hold the run before the disable until ECS in us-west-1 has run the 02:00 schedules.
    const prompt = async () => (await world.sb.clock.sleep(Date.parse('2026-03-02T02:00:30.000Z') - world.sb.clock.now()), true)
    const forward = await runReference(world, null, { file: FILE, yes: false, prompt, edit: pauseBefore('disable-ecs-schedules') })
    expect(forward.status).toBe('done')
    const entries = await entriesOf(world, forward.runId)
    const disabledAt = Math.min(...entries.filter((e) => e.t === 'fact' && e.kind === 'ecs.scheduled-task-disabled').map((e) => e.at))
    await world.sb.clock.sleep(2 * HOUR)
    const ledger = (world.sb.dump({ ledger: true }) as { ledger: LedgerEntry[] }).ledger.filter((e) => e.job.startsWith('legacy-'))
    const runsOf = (job: string) => ledger.filter((e) => e.job === job).map((e) => `${e.scheduledAt.slice(11, 16)} ${e.platform}`)
    expect(runsOf('legacy-orders-hourly-report')).toEqual(['02:00 ecs', '03:00 kubernetes', '04:00 kubernetes'])
    expect(runsOf('legacy-orders-cleanup')).toEqual(['02:00 ecs'])
    // Whatever ECS ran before the disable, Kubernetes only ever ran later scheduled times.
    for (const job of new Set(ledger.map((e) => e.job))) {
      const onEcs = ledger.filter((e) => e.job === job && e.platform === 'ecs')
      expect(onEcs.every((e) => Date.parse(e.launchedAt) < disabledAt)).toBe(true)
      const lastOnEcs = Math.max(0, ...onEcs.map((e) => Date.parse(e.scheduledAt)))
      expect(ledger.filter((e) => e.job === job && e.platform === 'kubernetes' && Date.parse(e.scheduledAt) <= lastOnEcs)).toEqual([])
    }
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
    await expect(east.ecs.describeServices({ cluster: 'legacy', services: ['orders'] })).rejects.toMatchObject({ name: 'ClusterNotFoundException' })
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
