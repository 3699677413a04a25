import { afterEach, describe, expect, it } from 'vitest'
import type { Fact } from '../runner/contract.js'
import { k8sApply } from '../steps/k8s-apply.js'
import { k8sCronjobs } from '../steps/k8s-cronjobs.js'
import { planStep, restoreStep, runStep } from './helpers/step-harness.js'
import { SHOP, startK8sWorld, type K8sWorld } from './helpers/k8s-sandbox.js'

let w: K8sWorld | undefined
afterEach(async () => {
  await w?.sb.stop()
  w = undefined
})

const T = (hhmm: string, day = '02') => `2026-03-${day}T${hhmm}:00.000Z`
const selector = 'switchover.dev/scheduled=true'
const jobs = ['prod-orders-hourly-report', 'prod-inventory-sync', 'prod-website-sitemap', 'prod-orders-cleanup']

/** Deploy the shop (CronJobs suspended), let ECS run until 02:30, then disable its four jobs. */
async function switchedUntilResume(world: K8sWorld): Promise<Fact[]> {
  const deploy = await runStep(world.h(), k8sApply, { path: SHOP, namespace: 'shop' })
  expect(deploy.error).toBeUndefined()
  await world.advanceTo(T('02:30'))
  const estate = world.sb.core.estate
  for (const r of estate.events.rules) if (jobs.includes(r.Name)) r.State = 'DISABLED'
  for (const s of estate.scheduler.schedules) if (jobs.includes(s.Name)) s.State = 'DISABLED'
  const disabledAt = world.sb.clock.now()
  return jobs.map((job) => ({ kind: 'ecs.scheduled-task-disabled', step: 'disable-ecs-jobs', data: { job, kind: 'rule', arn: `arn:${job}`, scheduleExpression: 'x', disabledAt } }))
}

const launches = (world: K8sWorld, job: string, platform: 'ecs' | 'kubernetes') =>
  world.sb.core.estate.ledger.filter((e) => e.job === job && e.platform === platform).map((e) => e.scheduledAt)

/** No scheduled time of any job launched twice, on one platform or across both. */
function expectExclusive(world: K8sWorld): void {
  const seen = world.sb.core.estate.ledger.map((e) => `${e.job} ${e.scheduledAt}`)
  expect(seen.filter((x, i) => seen.indexOf(x) !== i)).toEqual([])
}

const cronSpec = async (world: K8sWorld, name: string) =>
  (await world.kube.get({ apiVersion: 'batch/v1', kind: 'CronJob', namespace: 'shop', name }))!.spec as Record<string, unknown>

describe('k8s.cronjobs handover on the sandbox cron ledger', () => {
  it('ECS ran 02:00, disabled 02:30, resumed 03:10: 03:00 runs exactly once on Kubernetes, 02:00 never again', async () => {
    w = await startK8sWorld()
    const facts = await switchedUntilResume(w)
    expect(launches(w, 'prod-orders-hourly-report', 'ecs')).toEqual([T('02:00')])
    await w.advanceTo(T('03:10'))

    const params = { action: 'resume', namespace: 'shop', selector }
    const from = w.sb.calls().length
    const plan = await planStep(w.h(facts, await w.readOnly()), k8sCronjobs, params)
    expect(w.mutatingSince(from)).toEqual([])
    expect(plan.changes).toHaveLength(4)
    expect(plan.notes.map((n) => n.message)).toContain(
      `if resumed at ${T('03:10')}: orders-hourly-report: gap after ${T('02:30')}: 1 scheduled time(s); catching up ${T('03:00')} once`,
    )

    const h = w.h(facts)
    const runFrom = w.sb.calls().length
    const run = await runStep(h, k8sCronjobs, params)
    expect(run.error).toBeUndefined()
    expect(launches(w, 'prod-orders-hourly-report', 'kubernetes')).toEqual([T('03:00')])
    // Budget: one LIST to observe, one per controller sync waited for, no GET; each CronJob patched
    // twice (begin with the marker, end without it), and the temporary states declared first.
    const runCalls = w.sb.calls().slice(runFrom).map((c) => `${c.service} ${c.operation}`)
    expect(runCalls.filter((c) => c.startsWith('kubernetes get'))).toEqual([])
    expect(runCalls.filter((c) => c === 'kubernetes list cronjobs')).toHaveLength(1 + h.waits.length)
    expect(runCalls.filter((c) => c === 'kubernetes patch cronjobs')).toHaveLength(8)
    expect(h.intermediates.map((i) => i.key).sort()).toEqual(run.changes.map((c) => c.key).sort())
    const resumed = h.facts.filter((f) => f.kind === 'k8s.cronjob-resumed')
    const hourly = resumed.find((f) => f.data.cronjob === 'orders-hourly-report')!.data
    expect(hourly).toMatchObject({ job: 'prod-orders-hourly-report', gap: [T('03:00')], caughtUp: T('03:00'), skipped: [], disabledAt: T('02:30') })
    expect(resumed.find((f) => f.data.cronjob === 'orders-cleanup')!.data).toMatchObject({ gap: [], caughtUp: null, skipped: [] })

    // Every temporary deadline is gone again; observe returns exactly the journaled `after`.
    for (const name of ['orders-hourly-report', 'inventory-sync', 'website-sitemap', 'orders-cleanup']) {
      const spec = await cronSpec(w, name)
      expect(spec.suspend).toBe(false)
      expect(spec.startingDeadlineSeconds).toBeUndefined()
    }
    const now = await k8sCronjobs.observe(h.ctx, run.params, run.changes.map((c) => c.key))
    for (const c of run.changes) expect(now[c.key]).toEqual(c.after)

    const again = w.sb.calls().length
    expect((await runStep(w.h(facts), k8sCronjobs, params)).changes).toEqual([])
    expect(w.mutatingSince(again)).toEqual([])

    await w.advanceTo(T('05:05'))
    expect(launches(w, 'prod-orders-hourly-report', 'kubernetes')).toEqual([T('03:00'), T('04:00'), T('05:00')])
    expect(launches(w, 'prod-orders-hourly-report', 'kubernetes')).not.toContain(T('02:00'))
    expect(launches(w, 'prod-inventory-sync', 'kubernetes')).toEqual([T('03:00'), T('03:30'), T('04:00'), T('04:30'), T('05:00')])
    expect(launches(w, 'prod-website-sitemap', 'kubernetes')).toEqual([T('03:15'), T('04:15')])
    expect(launches(w, 'prod-orders-cleanup', 'kubernetes')).toEqual([])
    await w.advanceTo(T('02:05', '03'))
    expect(launches(w, 'prod-orders-cleanup', 'kubernetes')).toEqual([T('02:00', '03')])
    expectExclusive(w)

    // Rollback: suspended again, every touched field as before.
    await restoreStep(w.h(facts), k8sCronjobs, run.params, Object.fromEntries(run.changes.map((c) => [c.key, c.before])))
    for (const name of ['orders-hourly-report', 'orders-cleanup']) {
      const spec = await cronSpec(w, name)
      expect(spec.suspend).toBe(true)
      expect(spec.startingDeadlineSeconds).toBeUndefined()
    }
    // ... and ECS takes its jobs back (what the ECS step's rollback does next).
    const onKubernetes = w.sb.core.estate.ledger.filter((e) => e.platform === 'kubernetes').length
    for (const r of w.sb.core.estate.events.rules) if (jobs.includes(r.Name)) r.State = 'ENABLED'
    for (const s of w.sb.core.estate.scheduler.schedules) if (jobs.includes(s.Name)) s.State = 'ENABLED'
    await w.advanceTo(T('06:05', '03'))
    expect(w.sb.core.estate.ledger.filter((e) => e.platform === 'kubernetes').length).toBe(onKubernetes)
    expect(launches(w, 'prod-orders-hourly-report', 'ecs')).toEqual([T('02:00'), T('03:00', '03'), T('04:00', '03'), T('05:00', '03'), T('06:00', '03')])
    expectExclusive(w)
  })

  it('with catchUp none the gap time 03:00 does not run, and 02:00 never does', async () => {
    w = await startK8sWorld()
    const facts = await switchedUntilResume(w)
    await w.advanceTo(T('03:10'))
    const h = w.h(facts)
    const run = await runStep(h, k8sCronjobs, { action: 'resume', namespace: 'shop', selector, catchUp: 'none' })
    expect(run.error).toBeUndefined()
    const hourly = h.facts.find((f) => f.kind === 'k8s.cronjob-resumed' && f.data.cronjob === 'orders-hourly-report')!.data
    expect(hourly).toMatchObject({ gap: [T('03:00')], caughtUp: null, skipped: [T('03:00')], reason: 'catchUp is none' })
    await w.advanceTo(T('04:05'))
    expect(launches(w, 'prod-orders-hourly-report', 'kubernetes')).toEqual([T('04:00')])
    expect(launches(w, 'prod-inventory-sync', 'kubernetes')).toEqual([T('03:30'), T('04:00')])
    expect((await cronSpec(w, 'orders-hourly-report')).startingDeadlineSeconds).toBeUndefined()
    expectExclusive(w)
  })

  it('takes the disable time from the playbook when no fact names it, and keeps an original deadline', async () => {
    w = await startK8sWorld()
    await switchedUntilResume(w)
    const ref = { apiVersion: 'batch/v1', kind: 'CronJob', namespace: 'shop', name: 'orders-hourly-report' }
    await w.kube.patch(ref, { spec: { startingDeadlineSeconds: 300 } }, 'merge')
    await w.advanceTo(T('03:10'))
    const h = w.h()
    const run = await runStep(h, k8sCronjobs, { action: 'resume', namespace: 'shop', names: ['orders-hourly-report'], disabledAt: T('02:30') })
    expect(run.error).toBeUndefined()
    expect(run.changes.map((c) => c.after)).toEqual([{ suspend: false, startingDeadlineSeconds: 300 }])
    // 03:00 is 600 s old: the original 300 s deadline alone would have skipped it.
    expect(launches(w, 'prod-orders-hourly-report', 'kubernetes')).toEqual([T('03:00')])
    expect((await cronSpec(w, 'orders-hourly-report')).startingDeadlineSeconds).toBe(300)
    await restoreStep(w.h(), k8sCronjobs, run.params, { [run.changes[0].key]: run.changes[0].before })
    expect(await k8sCronjobs.observe(h.ctx, run.params, [run.changes[0].key])).toEqual({ [run.changes[0].key]: { suspend: true, startingDeadlineSeconds: 300 } })
  })

  it('suspend is idempotent and its restore resumes without a catch-up surprise', async () => {
    w = await startK8sWorld()
    await runStep(w.h(), k8sApply, { path: SHOP, namespace: 'shop' })
    const names = ['inventory-sync']
    const resume = await runStep(w.h(), k8sCronjobs, { action: 'resume', namespace: 'shop', names, disabledAt: T('01:40') })
    expect(resume.error).toBeUndefined()
    const suspend = await runStep(w.h(), k8sCronjobs, { action: 'suspend', namespace: 'shop', names })
    expect(suspend.changes.map((c) => c.after)).toEqual([{ suspend: true, startingDeadlineSeconds: null }])
    const from = w.sb.calls().length
    expect((await runStep(w.h(), k8sCronjobs, { action: 'suspend', namespace: 'shop', names })).changes).toEqual([])
    expect(w.mutatingSince(from)).toEqual([])
    await expect(runStep(w.h(), k8sCronjobs, { action: 'suspend', namespace: 'shop', names: ['nope'] })).rejects.toThrow(/no CronJob nope in namespace shop/)
  })
})
