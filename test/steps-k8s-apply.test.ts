import { afterEach, describe, expect, it } from 'vitest'
import type { KubeObject } from '../runner/clients/kube-types.js'
import { createKubeApi } from '../runner/clients/kube.js'
import { ReadOnlyViolation } from '../runner/clients/read-only.js'
import { k8sApply } from '../steps/k8s-apply.js'
import { planStep, restoreStep, runStep } from './helpers/step-harness.js'
import { SHOP, SHOP_DIR, startK8sWorld, userView, type K8sWorld } from './helpers/k8s-sandbox.js'

let w: K8sWorld | undefined
afterEach(async () => {
  await w?.sb.stop()
  w = undefined
})

const params = { path: SHOP, namespace: 'shop' }
const shopObjects = (world: K8sWorld) =>
  world.sb.core.estate.kubernetes.objects
    .filter((o) => o.metadata.namespace === 'shop' && ['Deployment', 'Service', 'CronJob', 'TrafficSplit'].includes(o.kind))
    .map((o) => `${o.kind}/${o.metadata.name}`)
    .sort()

const before = (changes: { key: string; before: unknown }[]) => Object.fromEntries(changes.map((c) => [c.key, c.before]))

describe('k8s.apply against the sandbox', () => {
  it('plans with the server dry run only: a read-only client suffices and nothing is stored', async () => {
    w = await startK8sWorld()
    const from = w.sb.calls().length
    const plan = await planStep(w.h([], await w.readOnly()), k8sApply, params)
    // 3 Deployments, 3 Services, 4 CronJobs, 1 TrafficSplit
    expect(plan.changes).toHaveLength(11)
    expect(plan.changes.map((c) => c.summary)).toContain('create Deployment shop/orders')
    expect(plan.changes.every((c) => c.before === null)).toBe(true)
    expect(w.sb.calls().slice(from).filter((c) => c.operation.startsWith('apply ')).length).toBe(11) // the dry runs
    expect(w.mutatingSince(from)).toEqual([])
    expect(shopObjects(w)).toEqual([])
    // The server's answer is the plan: defaults inside manifest fields are already there.
    const cron = plan.changes.find((c) => c.key.endsWith('/CronJob/shop/website-sitemap'))!.after as KubeObject
    expect((cron.spec as { suspend: boolean; timeZone: string }).suspend).toBe(true)
    expect((cron.spec as { timeZone: string }).timeZone).toBe('Europe/Berlin')
  })

  it('applies the output of a render command', async () => {
    w = await startK8sWorld()
    // Like `helm template`: one stream, documents separated by `---`.
    const render = { command: 'awk', args: ['FNR == 1 { print "---" } { print }', `${SHOP_DIR}/orders.yaml`, `${SHOP_DIR}/website.yaml`] }
    const run = await runStep(w.h(), k8sApply, { render, namespace: 'shop' })
    expect(run.error).toBeUndefined()
    expect(shopObjects(w)).toEqual(['Deployment/orders', 'Deployment/website', 'Service/orders', 'Service/website'])
  })

  it('selects the kubeconfig context asked for, and names an unknown one', async () => {
    w = await startK8sWorld()
    const prod = await createKubeApi({ kubeconfigPath: w.sb.kubeconfigPath, context: 'prod-eks' })
    expect((await prod.get({ apiVersion: 'v1', kind: 'Namespace', name: 'shop' }))?.metadata.name).toBe('shop')
    expect(prod.counts()).toMatchObject({ reads: 1, writes: 0, dryRuns: 0 })
    await expect(createKubeApi({ kubeconfigPath: w.sb.kubeconfigPath, context: 'nope' })).rejects.toThrow(/nope/)
  })

  it('a read-only client refuses a real write', async () => {
    w = await startK8sWorld()
    const ro = await w.readOnly()
    await expect(ro.delete({ apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'x' })).rejects.toBeInstanceOf(ReadOnlyViolation)
  })

  it('creates everything with CronJobs suspended, waits for the rollout, is idempotent, and restore removes it all', async () => {
    w = await startK8sWorld()
    const h = w.h()
    const run = await runStep(h, k8sApply, params)
    expect(run.error).toBeUndefined()
    expect(shopObjects(w)).toEqual([
      'CronJob/inventory-sync', 'CronJob/orders-cleanup', 'CronJob/orders-hourly-report', 'CronJob/website-sitemap',
      'Deployment/inventory', 'Deployment/orders', 'Deployment/website',
      'Service/inventory', 'Service/orders', 'Service/website', 'TrafficSplit/website',
    ])
    const cronjobs = w.sb.core.estate.kubernetes.objects.filter((o) => o.kind === 'CronJob')
    expect(cronjobs.map((c) => (c.spec as { suspend: boolean }).suspend)).toEqual([true, true, true, true])
    const orders = (await w.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'orders' }))!
    expect((orders.status as { availableReplicas: number }).availableReplicas).toBe(2)
    expect(h.waits.length).toBeGreaterThan(0)
    expect(new Set(h.applied.flat()).size).toBe(11)

    // Observe after apply returns exactly the journaled `after` of every change (no drift noise).
    const now = await k8sApply.observe(h.ctx, k8sApply.params.parse(params), run.changes.map((c) => c.key))
    for (const c of run.changes) expect(now[c.key]).toEqual(c.after)

    const from = w.sb.calls().length
    const second = await runStep(w.h(), k8sApply, params)
    expect(second.changes).toEqual([])
    expect(w.mutatingSince(from)).toEqual([])

    await restoreStep(w.h(), k8sApply, run.params, before(run.changes))
    expect(shopObjects(w)).toEqual([])
  })

  it('restores an object it changed to exactly its former state, fields it added removed', async () => {
    w = await startK8sWorld()
    const existing: KubeObject = {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'orders', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'orders', team: 'payments' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'orders' } },
        template: { metadata: { labels: { 'app.kubernetes.io/name': 'orders' } }, spec: { containers: [{ name: 'orders', image: 'orders:0.9' }] } },
      },
    }
    await w.kube.create(existing)
    const original = userView(await w.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'orders' }))
    const run = await runStep(w.h(), k8sApply, params)
    expect(run.error).toBeUndefined()
    const change = run.changes.find((c) => c.key.endsWith('/Deployment/shop/orders'))!
    expect(change.summary).toMatch(/^update Deployment shop\/orders: /)
    expect(change.summary).toContain('spec.replicas')
    await restoreStep(w.h(), k8sApply, run.params, before(run.changes))
    const restored = userView(await w.kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'orders' }))
    expect(restored).toEqual(original)
    expect(shopObjects(w)).toEqual(['Deployment/orders'])
  })

  it('fails a rollout that never becomes ready after its timeout, naming the condition, and rolls back what it created', async () => {
    w = await startK8sWorld({ neverReady: ['shop/orders'] })
    const h = w.h()
    const run = await runStep(h, k8sApply, { ...params, wait: { timeout: '2m', interval: '10s' } })
    expect(run.rolledBack).toBe(true)
    const message = (run.error as Error).message
    expect(message).toContain('k8s.apply (apply): not rolled out within 120 s')
    expect(message).toContain('Deployment shop/orders')
    expect(message).toContain('Available=False (MinimumReplicasUnavailable')
    expect(message).not.toContain('Deployment shop/website')
    expect(h.waits.reduce((s, x) => s + x.ms, 0)).toBe(120_000)
    expect(shopObjects(w)).toEqual([])
  })

  it('fails at once when the Deployment reports ProgressDeadlineExceeded', async () => {
    w = await startK8sWorld({ neverReady: ['shop/website'] })
    const run = await runStep(w.h(), k8sApply, { ...params, wait: { timeout: '30m', interval: '1m' } })
    expect(run.rolledBack).toBe(true)
    const message = (run.error as Error).message
    expect(message).toContain('Deployment shop/website failed to roll out: exceeded its progress deadline')
    expect(message).toContain('ProgressDeadlineExceeded')
    expect(shopObjects(w)).toEqual([])
  })
})
