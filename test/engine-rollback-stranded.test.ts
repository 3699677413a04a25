/**
 * The reference switchover rolled back against the sandbox after an ECS rule was deleted by hand:
 * the rollback suspends the CronJobs again, then stops at the ECS step; it must say which steps
 * and items are still applied and which jobs now run on neither side. `--force` passes the rule
 * that is gone (with a warning) and finishes; the job of that rule still runs nowhere, and it says so.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { EngineEvent } from '../runner/events.js'
import { entriesOf, openWorld, rollbackLast, runReference, type World } from './helpers/reference-run.js'

let w: World | undefined
afterEach(async () => {
  await w?.stop()
  w = undefined
})

const ofKind = <K extends EngineEvent['kind']>(events: EngineEvent[], kind: K) => events.filter((e): e is Extract<EngineEvent, { kind: K }> => e.kind === kind)

describe('a reference rollback that stops at a vanished ECS rule', () => {
  it('lists what is left and the jobs running nowhere; --force passes the rule and finishes', async () => {
    w = await openWorld()
    const r = await runReference(w, 'prod')
    expect(r.status).toBe('done')
    const entries = await entriesOf(w, r.runId)
    const facts = (kind: string) => entries.flatMap((e) => (e.t === 'fact' && e.kind === kind ? [e.data as Record<string, unknown>] : []))
    const resumed = facts('k8s.cronjob-resumed')
    const handedOver = facts('ecs.scheduled-task-disabled').filter((d) => resumed.some((x) => x.job === d.job))
    const disabled = handedOver.filter((d) => d.kind === 'rule')
    expect(disabled.length).toBeGreaterThan(1)
    const gone = String(disabled[0].job)
    const cronjob = resumed.find((x) => x.job === gone)!
    const rules = w.sb.core.estate.events.rules
    rules.splice(rules.findIndex((x) => x.Name === gone), 1) // deleted by hand

    const stopped = await rollbackLast(w, r.runId)
    expect(stopped).toMatchObject({ status: 'rollback-incomplete', exitCode: 3 })
    const ecsKeys = entries.flatMap((e) => (e.t === 'item' && e.step === 'disable-ecs-schedules' ? [e.key] : []))
    expect(ofKind(w.events, 'rollback-vanished')).toMatchObject([{ step: 'disable-ecs-schedules', action: 'refused' }])
    const [left] = ofKind(w.events, 'rollback-left')
    expect(left.source).toBe(r.runId)
    expect(left.command).toBe(`playbook rollback ${r.runId} --force`)
    expect(left.steps[0]).toEqual({ step: 'disable-ecs-schedules', keys: ecsKeys })
    expect(left.steps.map((s) => s.step)).toEqual(['disable-ecs-schedules', 'deploy-eks', 'lower-ttls'])
    // Every rule is still disabled and every CronJob suspended again: those jobs run nowhere.
    expect(left.jobs.map((j) => j.job).sort()).toEqual(handedOver.map((d) => String(d.job)).sort())
    expect(left.jobs.find((j) => j.job === gone)).toEqual({
      job: gone,
      ecs: `rule ${gone}: still DISABLED (step disable-ecs-schedules not undone)`,
      kubernetes: `CronJob ${cronjob.namespace}/${cronjob.cronjob}: suspended again by the rollback (step resume-cronjobs)`,
    })
    const cj = (w.sb.core.estate.kubernetes.objects as Array<{ kind: string; metadata: { name: string }; spec: { suspend?: boolean } }>).find((o) => o.kind === 'CronJob' && o.metadata.name === cronjob.cronjob)
    expect(cj?.spec.suspend).toBe(true)

    w.events.length = 0
    const forced = await rollbackLast(w, r.runId, true)
    expect(forced).toMatchObject({ status: 'restored', exitCode: 0 })
    expect(ofKind(w.events, 'rollback-vanished')).toMatchObject([{ step: 'disable-ecs-schedules', action: 'skipped' }])
    expect(ofKind(w.events, 'rollback-step').map((e) => e.step)).toEqual(['disable-ecs-schedules', 'deploy-eks', 'lower-ttls'])
    for (const d of disabled.slice(1)) expect(rules.find((x) => x.Name === d.job)?.State).toBe('ENABLED')
    expect(ofKind(w.events, 'rollback-left')).toEqual([
      {
        kind: 'rollback-left', source: r.runId, steps: [], command: null,
        jobs: [{ job: gone, ecs: `rule ${gone}: gone since the run (--force passed it), not restored`, kubernetes: `CronJob ${cronjob.namespace}/${cronjob.cronjob}: suspended again by the rollback (step resume-cronjobs)` }],
      },
    ])
  }, 60_000)
})

describe('a reference rollback with --force after a switched record was deleted by hand', () => {
  it('recreates the record set from its journaled before-state (route53.records recreates; it says why)', async () => {
    w = await openWorld()
    const seed = structuredClone(w.sb.core.estate.route53.zones)
    const r = await runReference(w, 'prod')
    expect(r.status).toBe('done')
    const entries = await entriesOf(w, r.runId)
    const item = entries.find((e) => e.t === 'item' && e.step === 'switch-dns')
    if (item?.t !== 'item') throw new Error('switch-dns changed nothing')
    const name = (item.before as { Name: string }).Name
    const zone = w.sb.core.estate.route53.zones.find((z) => z.RecordSets.some((rs) => rs.Name === name && rs.Type === 'CNAME'))!
    zone.RecordSets.splice(zone.RecordSets.findIndex((rs) => rs.Name === name && rs.Type === 'CNAME'), 1) // deleted by hand

    const stopped = await rollbackLast(w, r.runId)
    expect(stopped.exitCode).toBe(3)
    expect(ofKind(w.events, 'rollback-vanished')).toMatchObject([{ step: 'switch-dns', key: item.key, action: 'refused' }])
    w.events.length = 0
    const forced = await rollbackLast(w, r.runId, true)
    expect(forced).toMatchObject({ status: 'restored', exitCode: 0 })
    const [vanished] = ofKind(w.events, 'rollback-vanished')
    expect(vanished).toMatchObject({ step: 'switch-dns', key: item.key, action: 'recreated' })
    expect(vanished.reason).toMatch(/fully described by its journaled before-state/)
    // Recreated, then its TTL restored by the older step: the zones are as seeded.
    const sets = (zones: typeof seed) => zones.map((z) => [...z.RecordSets].sort((a, b) => `${a.Name} ${a.Type} ${a.SetIdentifier ?? ''}`.localeCompare(`${b.Name} ${b.Type} ${b.SetIdentifier ?? ''}`)))
    expect(sets(w.sb.core.estate.route53.zones)).toEqual(sets(seed))
  }, 60_000)
})
