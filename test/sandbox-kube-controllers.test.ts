/**
 * The sandbox's Kubernetes controllers on virtual time, observed through the real client:
 * Deployment rollouts (ready after the delay, or ProgressDeadlineExceeded), derived endpoints,
 * and the CronJob controller's launches and missed-schedule behaviour in the ledger.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { cronJob, deployment, HOUR, merge, MINUTE, startKubeSandbox, type KubeSandbox } from './sandbox-kube-helpers.js'

let k: KubeSandbox | undefined
afterEach(async () => {
  await k?.sb.stop()
  k = undefined
})

const at = (iso: string) => Date.parse(iso)
const ledger = (w: KubeSandbox) => w.sb.core.estate.ledger.filter((e) => e.platform === 'kubernetes')
const advanceTo = async (w: KubeSandbox, iso: string) => w.sb.clock.sleep(at(iso) - w.sb.clock.now())
const cond = (d: { status?: { conditions?: Array<{ type: string; status: string; reason?: string }> } }, type: string) =>
  d.status?.conditions?.find((c) => c.type === type)

describe('Deployment rollout', () => {
  it('turns available after deploymentReadyDelayMs, and the Service gets ready endpoints', async () => {
    k = await startKubeSandbox({ deploymentReadyDelayMs: 20_000 })
    const w = k
    await w.apps.createNamespacedDeployment({ namespace: 'shop', body: deployment('orders', 'shop', 2) })
    await w.core.createNamespacedService({
      namespace: 'shop',
      body: { metadata: { name: 'orders' }, spec: { selector: { app: 'orders' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    })
    const read = () => w.apps.readNamespacedDeployment({ name: 'orders', namespace: 'shop' })
    let d = await read()
    expect(d.status?.observedGeneration).toBe(1)
    expect(cond(d, 'Available')?.status).toBe('False')
    expect((await w.core.readNamespacedEndpoints({ name: 'orders', namespace: 'shop' })).subsets).toEqual([])

    await w.sb.clock.sleep(19_000)
    expect((await read()).status?.readyReplicas).toBe(0)
    await w.sb.clock.sleep(1_000)
    d = await read()
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 })
    expect(cond(d, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' })
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' })

    const ep = await w.core.readNamespacedEndpoints({ name: 'orders', namespace: 'shop' })
    expect(ep.subsets?.[0].addresses).toHaveLength(2)
    expect(ep.subsets?.[0].ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }])
    const slices = await w.kc
      .makeApiClient((await import('@kubernetes/client-node')).DiscoveryV1Api)
      .listNamespacedEndpointSlice({ namespace: 'shop', labelSelector: 'kubernetes.io/service-name=orders' })
    expect(slices.items[0].endpoints.every((e) => e.conditions?.ready)).toBe(true)

    // A spec change starts a new rollout: generation moves, observedGeneration follows.
    d = await w.apps.patchNamespacedDeployment({ name: 'orders', namespace: 'shop', body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'orders:2' }] } } } } }, merge)
    expect(d.metadata?.generation).toBe(2)
    expect(cond(d, 'Progressing')?.reason).toBe('ReplicaSetUpdated')
    await w.sb.clock.sleep(20_000)
    expect(cond(await read(), 'Progressing')?.reason).toBe('NewReplicaSetAvailable')
  })

  it('never makes a neverReady Deployment available and reports ProgressDeadlineExceeded at the deadline', async () => {
    k = await startKubeSandbox({ neverReady: ['shop/stuck'] })
    const w = k
    const body = deployment('stuck')
    body.spec!.progressDeadlineSeconds = 120
    await w.apps.createNamespacedDeployment({ namespace: 'shop', body })
    await w.apps.createNamespacedDeployment({ namespace: 'shop', body: deployment('fine') })
    const read = (name: string) => w.apps.readNamespacedDeployment({ name, namespace: 'shop' })
    await w.sb.clock.sleep(119_000)
    expect(cond(await read('stuck'), 'Progressing')).toMatchObject({ status: 'True' })
    expect(cond(await read('fine'), 'Available')?.status).toBe('True')
    await w.sb.clock.sleep(1_000)
    const d = await read('stuck')
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' })
    expect(cond(d, 'Available')?.status).toBe('False')
    expect(d.status?.readyReplicas ?? 0).toBe(0)
    await w.sb.clock.sleep(HOUR)
    expect(cond(await read('stuck'), 'Available')?.status).toBe('False')
  })

  it('defaults the deadline to 600 s', async () => {
    k = await startKubeSandbox({ neverReady: ['shop/stuck'] })
    await k.apps.createNamespacedDeployment({ namespace: 'shop', body: deployment('stuck') })
    await k.sb.clock.sleep(599_000)
    expect(cond(await k.apps.readNamespacedDeployment({ name: 'stuck', namespace: 'shop' }), 'Progressing')?.status).toBe('True')
    await k.sb.clock.sleep(1_000)
    expect(cond(await k.apps.readNamespacedDeployment({ name: 'stuck', namespace: 'shop' }), 'Progressing')?.reason).toBe('ProgressDeadlineExceeded')
  })
})

describe('CronJob controller', () => {
  const ECS_JOB = { 'switchover.dev/ecs-job': 'prod-orders-hourly-report' }
  const minutes = (iso: string) => Math.floor(at(iso) / MINUTE)

  it('launches an hourly CronJob three times in three hours, at the scheduled times, and completes the Jobs', async () => {
    k = await startKubeSandbox()
    const w = k
    await w.batch.createNamespacedCronJob({ namespace: 'shop', body: cronJob('report', '0 * * * *', {}, ECS_JOB) })
    const from = w.sb.calls().length
    await w.sb.clock.sleep(3 * HOUR)
    expect(w.sb.calls().length).toBe(from) // the controller needs no API calls
    expect(ledger(w)).toEqual(
      ['2026-03-02T02:00:00.000Z', '2026-03-02T03:00:00.000Z', '2026-03-02T04:00:00.000Z'].map((t) => ({
        job: 'prod-orders-hourly-report',
        scheduledAt: t,
        launchedAt: t,
        platform: 'kubernetes',
        source: 'shop/report',
      })),
    )
    const jobs = (await w.batch.listNamespacedJob({ namespace: 'shop' })).items
    expect(jobs.map((j) => j.metadata?.name)).toEqual(
      ['2026-03-02T02:00:00Z', '2026-03-02T03:00:00Z', '2026-03-02T04:00:00Z'].map((t) => `report-${minutes(t)}`),
    )
    expect(jobs[0].metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'report', controller: true })
    expect(jobs[0].metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2026-03-02T02:00:00Z')
    expect(jobs.every((j) => j.status?.succeeded === 1)).toBe(true)
    const cj = await w.batch.readNamespacedCronJob({ name: 'report', namespace: 'shop' })
    expect(cj.status?.lastScheduleTime?.toISOString()).toBe('2026-03-02T04:00:00.000Z')
    expect(cj.status?.lastSuccessfulTime?.toISOString()).toBe('2026-03-02T04:00:30.000Z')
    expect(cj.status?.active).toBeUndefined()

    // Only successfulJobsHistoryLimit (default 3) finished Jobs are kept.
    await advanceTo(w, '2026-03-02T05:01:00Z')
    const kept = (await w.batch.listNamespacedJob({ namespace: 'shop' })).items.map((j) => j.metadata?.name)
    expect(kept).toEqual(['03:00', '04:00', '05:00'].map((t) => `report-${minutes(`2026-03-02T${t}:00Z`)}`))

    // Deleting the CronJob garbage-collects its Jobs.
    await w.batch.deleteNamespacedCronJob({ name: 'report', namespace: 'shop' })
    expect((await w.batch.listNamespacedJob({ namespace: 'shop' })).items).toEqual([])
  })

  it('suspended across two scheduled times and resumed without a deadline: exactly one Job, for the most recent', async () => {
    k = await startKubeSandbox()
    const w = k
    await w.batch.createNamespacedCronJob({ namespace: 'shop', body: cronJob('report', '0 * * * *', { suspend: true }, ECS_JOB) })
    await advanceTo(w, '2026-03-02T03:30:00Z') // 02:00 and 03:00 pass while suspended
    expect(ledger(w)).toEqual([])
    expect((await w.batch.readNamespacedCronJob({ name: 'report', namespace: 'shop' })).status?.lastScheduleTime).toBeUndefined()

    await w.batch.patchNamespacedCronJob({ name: 'report', namespace: 'shop', body: { spec: { suspend: false } } }, merge)
    await w.sb.clock.sleep(15_000)
    expect(ledger(w)).toEqual([
      { job: 'prod-orders-hourly-report', scheduledAt: '2026-03-02T03:00:00.000Z', launchedAt: '2026-03-02T03:30:10.000Z', platform: 'kubernetes', source: 'shop/report' },
    ])
    expect((await w.batch.listNamespacedJob({ namespace: 'shop' })).items.map((j) => j.metadata?.name)).toEqual([`report-${minutes('2026-03-02T03:00:00Z')}`])

    await advanceTo(w, '2026-03-02T04:30:00Z')
    expect(ledger(w).map((e) => e.scheduledAt)).toEqual(['2026-03-02T03:00:00.000Z', '2026-03-02T04:00:00.000Z'])
  })

  it('suspended across two scheduled times and resumed with a short startingDeadlineSeconds: no Job until the next time', async () => {
    k = await startKubeSandbox()
    const w = k
    await w.batch.createNamespacedCronJob({ namespace: 'shop', body: cronJob('report', '0 * * * *', { suspend: true, startingDeadlineSeconds: 300 }) })
    await advanceTo(w, '2026-03-02T03:30:00Z')
    await w.batch.patchNamespacedCronJob({ name: 'report', namespace: 'shop', body: { spec: { suspend: false } } }, merge)
    await w.sb.clock.sleep(20 * MINUTE)
    expect(ledger(w)).toEqual([])
    expect((await w.batch.listNamespacedJob({ namespace: 'shop' })).items).toEqual([])
    await advanceTo(w, '2026-03-02T04:00:05Z')
    expect(ledger(w)).toEqual([
      { job: 'shop/report', scheduledAt: '2026-03-02T04:00:00.000Z', launchedAt: '2026-03-02T04:00:00.000Z', platform: 'kubernetes', source: 'shop/report' },
    ])
  })

  it('a missed time still inside the deadline is started when resumed', async () => {
    k = await startKubeSandbox()
    const w = k
    await w.batch.createNamespacedCronJob({ namespace: 'shop', body: cronJob('report', '0 * * * *', { suspend: true, startingDeadlineSeconds: 3600 }) })
    await advanceTo(w, '2026-03-02T03:30:00Z')
    await w.batch.patchNamespacedCronJob({ name: 'report', namespace: 'shop', body: { spec: { suspend: false } } }, merge)
    await w.sb.clock.sleep(10_000)
    expect(ledger(w).map((e) => e.scheduledAt)).toEqual(['2026-03-02T03:00:00.000Z'])
  })

  it('leaves lastScheduleTime alone while suspended', async () => {
    k = await startKubeSandbox()
    const w = k
    await w.batch.createNamespacedCronJob({ namespace: 'shop', body: cronJob('report', '0 * * * *') })
    await advanceTo(w, '2026-03-02T02:10:00Z')
    await w.batch.patchNamespacedCronJob({ name: 'report', namespace: 'shop', body: { spec: { suspend: true } } }, merge)
    await w.sb.clock.sleep(3 * HOUR)
    const cj = await w.batch.readNamespacedCronJob({ name: 'report', namespace: 'shop' })
    expect(cj.status?.lastScheduleTime?.toISOString()).toBe('2026-03-02T02:00:00.000Z')
    expect(ledger(w)).toHaveLength(1)
  })

  it('reads the schedule in spec.timeZone', async () => {
    k = await startKubeSandbox()
    const w = k
    await w.batch.createNamespacedCronJob({ namespace: 'shop', body: cronJob('sitemap', '15 3 * * *', { timeZone: 'Europe/Berlin' }) })
    await w.batch.createNamespacedCronJob({ namespace: 'shop', body: cronJob('utc', '15 3 * * *') })
    await advanceTo(w, '2026-03-02T02:30:00Z')
    expect(ledger(w)).toEqual([
      { job: 'shop/sitemap', scheduledAt: '2026-03-02T02:15:00.000Z', launchedAt: '2026-03-02T02:15:00.000Z', platform: 'kubernetes', source: 'shop/sitemap' },
    ])
    const job = (await w.batch.listNamespacedJob({ namespace: 'shop' })).items[0]
    expect(job.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2026-03-02T03:15:00+01:00')
    await advanceTo(w, '2026-03-02T03:20:00Z')
    expect(ledger(w).map((e) => e.source)).toEqual(['shop/sitemap', 'shop/utc'])
  })

  it('rejects an unknown time zone with 422', async () => {
    k = await startKubeSandbox()
    const res = await fetch(`${k.sb.url}/apis/batch/v1/namespaces/shop/cronjobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(cronJob('bad', '0 * * * *', { timeZone: 'Mars/Olympus' })),
    })
    expect(res.status).toBe(422)
    expect(((await res.json()) as { message: string }).message).toContain('spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus')
  })

  describe('concurrencyPolicy with a Job still running at the scheduled time', () => {
    const startRunningJob = async (w: KubeSandbox, uid: string) => {
      await advanceTo(w, '2026-03-02T01:59:50Z') // Jobs run 30 s, so this one runs until 02:00:20
      await w.batch.createNamespacedJob({
        namespace: 'shop',
        body: {
          metadata: { name: 'manual', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', uid, controller: true }] },
          spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'job:1' }] } } },
        },
      })
    }

    it('Forbid waits for the running Job to finish, then starts the missed run', async () => {
      k = await startKubeSandbox()
      const w = k
      const cj = await w.batch.createNamespacedCronJob({ namespace: 'shop', body: cronJob('report', '0 * * * *', { concurrencyPolicy: 'Forbid' }) })
      await startRunningJob(w, cj.metadata!.uid!)
      await advanceTo(w, '2026-03-02T02:00:10Z')
      expect(ledger(w)).toEqual([])
      await advanceTo(w, '2026-03-02T02:01:00Z')
      expect(ledger(w).map((e) => [e.scheduledAt, e.launchedAt])).toEqual([['2026-03-02T02:00:00.000Z', '2026-03-02T02:00:20.000Z']])
    })

    it('Replace deletes the running Job and starts the new one on time', async () => {
      k = await startKubeSandbox()
      const w = k
      const cj = await w.batch.createNamespacedCronJob({ namespace: 'shop', body: cronJob('report', '0 * * * *', { concurrencyPolicy: 'Replace' }) })
      await startRunningJob(w, cj.metadata!.uid!)
      await advanceTo(w, '2026-03-02T02:00:05Z')
      expect(ledger(w).map((e) => e.launchedAt)).toEqual(['2026-03-02T02:00:00.000Z'])
      const names = (await w.batch.listNamespacedJob({ namespace: 'shop' })).items.map((j) => j.metadata?.name)
      expect(names).toEqual([`report-${minutes('2026-03-02T02:00:00Z')}`])
    })
  })
})
