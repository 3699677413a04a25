/**
 * The sandbox's Kubernetes API driven by the real @kubernetes/client-node over HTTP:
 * CRUD, selectors, conflicts, the three patch formats, server-side apply, dryRun and Status bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deployment, jsonPatch, merge, startKubeSandbox, statusOf, strategic, type KubeSandbox } from './sandbox-kube-helpers.js'

let k: KubeSandbox
beforeAll(async () => {
  k = await startKubeSandbox()
})
afterAll(async () => {
  await k.sb.stop()
})

describe('discovery', () => {
  it('answers /version, /api, /apis and group versions', async () => {
    const get = async (p: string) => (await fetch(`${k.sb.url}${p}`)).json() as Promise<Record<string, any>>
    expect((await get('/version')).major).toBe('1')
    expect((await get('/api')).versions).toEqual(['v1'])
    const groups = (await get('/apis')).groups.map((g: { name: string }) => g.name)
    expect(groups).toEqual(expect.arrayContaining(['apps', 'batch', 'coordination.k8s.io', 'split.smi-spec.io']))
    const apps = await get('/apis/apps/v1')
    const dep = apps.resources.find((r: { name: string }) => r.name === 'deployments')
    expect(dep).toMatchObject({ kind: 'Deployment', namespaced: true, shortNames: ['deploy'] })
    expect(dep.verbs).toEqual(expect.arrayContaining(['get', 'list', 'create', 'update', 'patch', 'delete']))
  })
})

describe('objects', () => {
  it('creates, gets, lists by label selector and refuses a duplicate with 409 AlreadyExists', async () => {
    const created = await k.apps.createNamespacedDeployment({ namespace: 'shop', body: deployment('orders') })
    expect(created.metadata?.uid).toBeTruthy()
    expect(created.metadata?.generation).toBe(1)
    expect(created.metadata?.creationTimestamp?.toISOString()).toBe('2026-03-02T01:55:00.000Z')
    await k.apps.createNamespacedDeployment({ namespace: 'shop', body: deployment('inventory') })
    const other = deployment('legacy')
    other.metadata!.labels = { app: 'legacy', tier: 'batch' }
    await k.apps.createNamespacedDeployment({ namespace: 'shop', body: other })

    const got = await k.apps.readNamespacedDeployment({ name: 'orders', namespace: 'shop' })
    expect(got.spec?.template.spec?.containers[0].image).toBe('orders:1')

    const names = async (labelSelector: string) =>
      (await k.apps.listNamespacedDeployment({ namespace: 'shop', labelSelector })).items.map((d) => d.metadata?.name)
    expect(await names('tier=web')).toEqual(['inventory', 'orders'])
    expect(await names('tier==web,app!=orders')).toEqual(['inventory'])
    expect(await names('app in (orders, legacy)')).toEqual(['legacy', 'orders'])
    expect(await names('app notin (orders),tier')).toEqual(['inventory', 'legacy'])
    expect(await names('!tier')).toEqual([])
    const listed = await k.objects.list('apps/v1', 'Deployment', 'shop', undefined, undefined, undefined, 'metadata.name=orders')
    expect(listed.items.map((d) => d.metadata?.name)).toEqual(['orders'])

    const dup = await statusOf(k.apps.createNamespacedDeployment({ namespace: 'shop', body: deployment('orders') }))
    expect(dup).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "orders" already exists',
      reason: 'AlreadyExists',
      details: { name: 'orders', group: 'apps', kind: 'deployments' },
      code: 409,
    })
  })

  it('answers 404 NotFound with the real Status body, also for a missing namespace', async () => {
    expect(await statusOf(k.apps.readNamespacedDeployment({ name: 'x', namespace: 'shop' }))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "x" not found',
      reason: 'NotFound',
      details: { name: 'x', group: 'apps', kind: 'deployments' },
      code: 404,
    })
    const svc = await statusOf(k.core.readNamespacedService({ name: 'nope', namespace: 'shop' }))
    expect(svc.details).toEqual({ name: 'nope', kind: 'services' })
    const ns = await statusOf(k.apps.createNamespacedDeployment({ namespace: 'ghost', body: deployment('a', 'ghost') }))
    expect(ns).toMatchObject({ code: 404, reason: 'NotFound', message: 'namespaces "ghost" not found', details: { name: 'ghost', kind: 'namespaces' } })
  })

  it('replaces with the current resourceVersion and answers a stale one with 409 Conflict', async () => {
    const cur = await k.apps.readNamespacedDeployment({ name: 'orders', namespace: 'shop' })
    const stale = structuredClone(cur)
    cur.spec!.replicas = 4
    const replaced = await k.apps.replaceNamespacedDeployment({ name: 'orders', namespace: 'shop', body: cur })
    expect(replaced.metadata?.generation).toBe(2)
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(stale.metadata?.resourceVersion))
    stale.spec!.replicas = 9
    const c = await statusOf(k.apps.replaceNamespacedDeployment({ name: 'orders', namespace: 'shop', body: stale }))
    expect(c).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on deployments.apps "orders": the object has been modified; please apply your changes to the latest version and try again',
    })
    expect((await k.apps.readNamespacedDeployment({ name: 'orders', namespace: 'shop' })).spec?.replicas).toBe(4)
  })

  it('patches with merge, JSON (including test) and strategic merge patches', async () => {
    const m = await k.apps.patchNamespacedDeployment({ name: 'orders', namespace: 'shop', body: { metadata: { labels: { tier: null, team: 'a' } } } }, merge)
    expect(m.metadata?.labels).toEqual({ app: 'orders', team: 'a' })

    const j = await k.apps.patchNamespacedDeployment(
      { name: 'orders', namespace: 'shop', body: [{ op: 'test', path: '/spec/replicas', value: 4 }, { op: 'replace', path: '/spec/replicas', value: 3 }] },
      jsonPatch,
    )
    expect(j.spec?.replicas).toBe(3)
    const failed = await statusOf(
      k.apps.patchNamespacedDeployment({ name: 'orders', namespace: 'shop', body: [{ op: 'test', path: '/spec/replicas', value: 99 }, { op: 'replace', path: '/spec/replicas', value: 1 }] }, jsonPatch),
    )
    expect(failed.code).toBe(422)
    expect((await k.apps.readNamespacedDeployment({ name: 'orders', namespace: 'shop' })).spec?.replicas).toBe(3)
    // A JSON patch that does not apply (replace on a missing path, a failed test) is the API
    // server's generic 422: no path, no cause (handlers/patch.go: NewGenericServerResponse).
    const generic = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server rejected our request due to an error in our request', reason: 'Invalid', details: {}, code: 422 }
    expect(failed).toEqual(generic)
    const before = await k.apps.readNamespacedDeployment({ name: 'orders', namespace: 'shop' })
    for (const body of [[{ op: 'replace', path: '/spec/replica', value: 1 }], [{ op: 'replace', path: '/spec/template/spec/containers/5/image', value: 'x' }], [{ op: 'add', path: '/metadata/annotations/a', value: 'b' }], [{ op: 'remove', path: '/spec/paused' }]]) {
      expect(await statusOf(k.apps.patchNamespacedDeployment({ name: 'orders', namespace: 'shop', body }, jsonPatch)), JSON.stringify(body)).toEqual(generic)
    }
    expect(await k.apps.readNamespacedDeployment({ name: 'orders', namespace: 'shop' })).toEqual(before)

    const sidecar = { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'proxy:1' }, { name: 'app', image: 'orders:2' }] } } } }
    const s = await k.apps.patchNamespacedDeployment({ name: 'orders', namespace: 'shop', body: sidecar }, strategic)
    expect(s.spec?.template.spec?.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['app=orders:2', 'sidecar=proxy:1'])
    const del = { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } }
    const d = await k.apps.patchNamespacedDeployment({ name: 'orders', namespace: 'shop', body: del }, strategic)
    expect(d.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['app'])
  })

  it('server-side applies with a field manager, refuses a changed field owned by another manager, and takes it with force', async () => {
    const cfg = deployment('website')
    const applied = await k.objects.patch(cfg, undefined, undefined, 'switchover', false, 'application/apply-patch+yaml')
    expect(applied.metadata?.managedFields?.map((f) => `${f.manager}:${f.operation}`)).toEqual(['switchover:Apply'])
    expect((applied.metadata?.managedFields?.[0].fieldsV1 as Record<string, any>)['f:spec']['f:replicas']).toEqual({})

    await k.apps.patchNamespacedDeployment({ name: 'website', namespace: 'shop', body: { spec: { replicas: 5 } }, fieldManager: 'ops' }, merge)
    cfg.spec!.replicas = 3
    const conflict = await statusOf(k.objects.patch(cfg, undefined, undefined, 'switchover', false, 'application/apply-patch+yaml'))
    expect(conflict).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "ops" using apps/v1: .spec.replicas',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "ops" using apps/v1', field: '.spec.replicas' }] },
      code: 409,
    })
    const forced = await k.objects.patch(cfg, undefined, undefined, 'switchover', true, 'application/apply-patch+yaml')
    expect((forced as { spec: { replicas: number } }).spec.replicas).toBe(3)
    expect(forced.metadata?.managedFields?.find((f) => f.manager === 'ops')).toBeUndefined()

    // Fields the manager stops applying are removed when nobody else owns them.
    const slim = deployment('website')
    slim.spec!.replicas = 3
    slim.metadata!.labels = { app: 'website' }
    const after = await k.objects.patch(slim, undefined, undefined, 'switchover', false, 'application/apply-patch+yaml')
    expect(after.metadata?.labels).toEqual({ app: 'website' })

    const noManager = await statusOf(k.objects.patch(cfg, undefined, undefined, undefined, false, 'application/apply-patch+yaml'))
    expect(noManager).toMatchObject({ code: 422, reason: 'Invalid', message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' })
  })

  it('accepts YAML apply bodies', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\n  namespace: shop\ndata:\n  mode: ecs\n'
    const res = await fetch(`${k.sb.url}/api/v1/namespaces/shop/configmaps/flags?fieldManager=switchover`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body: yaml,
    })
    expect(res.status).toBe(201)
    expect((await k.core.readNamespacedConfigMap({ name: 'flags', namespace: 'shop' })).data).toEqual({ mode: 'ecs' })
  })

  it('dryRun=All answers as if done and stores nothing', async () => {
    const before = JSON.stringify(k.sb.core.estate.kubernetes)
    const created = await k.apps.createNamespacedDeployment({ namespace: 'shop', body: deployment('dry'), dryRun: 'All' })
    expect(created.metadata?.name).toBe('dry')
    const patched = await k.apps.patchNamespacedDeployment({ name: 'orders', namespace: 'shop', body: { spec: { replicas: 7 } }, dryRun: 'All' }, merge)
    expect(patched.spec?.replicas).toBe(7)
    const cfg = deployment('orders')
    cfg.spec!.replicas = 8
    const applied = await k.objects.patch(cfg, undefined, 'All', 'switchover', true, 'application/apply-patch+yaml')
    expect((applied as { spec: { replicas: number } }).spec.replicas).toBe(8)
    await k.apps.deleteNamespacedDeployment({ name: 'orders', namespace: 'shop', dryRun: 'All' })
    expect(JSON.stringify(k.sb.core.estate.kubernetes)).toBe(before)
    const calls = k.sb.calls().filter((c) => c.service === 'kubernetes').slice(-4)
    expect(calls.map((c) => [c.operation, c.mutating])).toEqual([
      ['create deployments', false],
      ['patch deployments', false],
      ['apply deployments', false],
      ['delete deployments', false],
    ])
  })

  it('deletes (Status Success), then answers 404', async () => {
    const res = await k.apps.deleteNamespacedDeployment({ name: 'legacy', namespace: 'shop' })
    expect(res).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'legacy', group: 'apps', kind: 'deployments' } })
    expect((await statusOf(k.apps.deleteNamespacedDeployment({ name: 'legacy', namespace: 'shop' }))).code).toBe(404)
    const objDelete = await statusOf(k.objects.delete({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'legacy', namespace: 'shop' } }))
    expect(objDelete.reason).toBe('NotFound')
  })

  it('keeps custom resources (TrafficSplit) generically and refuses strategic merge on them', async () => {
    const ts = {
      apiVersion: 'split.smi-spec.io/v1alpha2',
      kind: 'TrafficSplit',
      metadata: { name: 'website', namespace: 'shop' },
      spec: { service: 'website', backends: [{ service: 'website-ecs', weight: 100 }, { service: 'website-eks', weight: 0 }] },
    }
    await k.objects.create(ts)
    const patched = await k.objects.patch(
      { ...ts, spec: { ...ts.spec, backends: [{ service: 'website-ecs', weight: 0 }, { service: 'website-eks', weight: 100 }] } },
      undefined, undefined, undefined, undefined, 'application/merge-patch+json',
    )
    expect((patched as unknown as typeof ts).spec.backends[1].weight).toBe(100)
    const smp = await statusOf(k.objects.patch(ts, undefined, undefined, undefined, undefined, 'application/strategic-merge-patch+json'))
    expect(smp.code).toBe(415)
  })

  it('validates names and CronJob schedules with 422 Invalid', async () => {
    const bad = await statusOf(k.apps.createNamespacedDeployment({ namespace: 'shop', body: deployment('Bad_Name') }))
    expect(bad).toMatchObject({ code: 422, reason: 'Invalid' })
    expect(bad.message).toMatch(/^Deployment.apps "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/)
    const cj = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'bad', namespace: 'shop' }, spec: { schedule: '* * *', jobTemplate: { spec: { template: { spec: { containers: [] } } } } } }
    expect(await statusOf(k.objects.create(cj))).toMatchObject({ code: 422, message: expect.stringContaining('spec.schedule') })
  })

  it('writes status only through the status subresource', async () => {
    await k.batch.createNamespacedCronJob({
      namespace: 'shop',
      body: { metadata: { name: 'st' }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { containers: [] } } } } } },
    })
    const ignored = await k.batch.patchNamespacedCronJob(
      { name: 'st', namespace: 'shop', body: { status: { lastScheduleTime: new Date('2026-03-01T00:00:00Z') } } },
      merge,
    )
    expect(ignored.status?.lastScheduleTime).toBeUndefined()
    const set = await k.batch.patchNamespacedCronJobStatus(
      { name: 'st', namespace: 'shop', body: { status: { lastScheduleTime: '2026-03-01T00:00:00Z' } } },
      merge,
    )
    expect(set.status?.lastScheduleTime?.toISOString()).toBe('2026-03-01T00:00:00.000Z')
    expect(set.metadata?.generation).toBe(1)
  })

  it('stores Leases and Secrets generically', async () => {
    const { CoordinationV1Api } = await import('@kubernetes/client-node')
    const leases = k.kc.makeApiClient(CoordinationV1Api)
    const lease = await leases.createNamespacedLease({ namespace: 'shop', body: { metadata: { name: 'switchover' }, spec: { holderIdentity: 'run-1', leaseDurationSeconds: 60 } } })
    lease.spec!.holderIdentity = 'run-2'
    expect((await leases.replaceNamespacedLease({ name: 'switchover', namespace: 'shop', body: lease })).spec?.holderIdentity).toBe('run-2')
    expect((await statusOf(leases.replaceNamespacedLease({ name: 'switchover', namespace: 'shop', body: lease }))).code).toBe(409)
    await k.core.createNamespacedSecret({ namespace: 'shop', body: { metadata: { name: 's' }, stringData: { a: 'b' } } })
    expect((await k.core.readNamespacedSecret({ name: 's', namespace: 'shop' })).data).toEqual({ a: 'Yg==' })
  })
})
