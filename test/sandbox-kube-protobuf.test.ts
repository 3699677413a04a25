/**
 * The sandbox's Kubernetes API in `application/vnd.kubernetes.protobuf`, spoken as client-go
 * speaks it: bodies built here with protobufjs from the vendored generated.proto schemas (the
 * magic `k8s\0` and a runtime.Unknown envelope around the object's message), answers read the
 * same way. A protobuf-created object must be stored exactly as its JSON twin.
 */
import { join } from 'node:path'
import protobuf from 'protobufjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from './helpers/reference-run.js'
import { startKubeSandbox, type KubeSandbox } from './sandbox-kube-helpers.js'

const PB = 'application/vnd.kubernetes.protobuf'
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00])
const DIR = join(ROOT, 'sandbox/kubernetes/proto')
const schema = new protobuf.Root()
schema.resolvePath = (_o, target) => (target.startsWith(DIR) ? target : join(DIR, target))
schema.loadSync(['k8s.io/api/core/v1/generated.proto', 'k8s.io/api/apps/v1/generated.proto', 'k8s.io/api/batch/v1/generated.proto', 'k8s.io/api/autoscaling/v1/generated.proto', 'k8s.io/api/coordination/v1/generated.proto'], { keepCase: true })
const type = (name: string) => schema.lookupType(name)
const Unknown = type('k8s.io.apimachinery.pkg.runtime.Unknown')

type Obj = Record<string, any>

function envelope(apiVersion: string, kind: string, message: string, value: Obj): Buffer {
  const raw = type(message).encode(type(message).fromObject(value)).finish()
  return Buffer.concat([MAGIC, Unknown.encode({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' }).finish()])
}

function open(body: Buffer, message: string): { typeMeta: Obj; object: Obj } {
  expect(body.subarray(0, 4).equals(MAGIC)).toBe(true)
  const unk = Unknown.toObject(Unknown.decode(body.subarray(4)), { defaults: false }) as { typeMeta: Obj; raw: Uint8Array }
  const object = type(message).toObject(type(message).decode(unk.raw), { longs: Number, bytes: Buffer as any })
  return { typeMeta: unk.typeMeta, object }
}

let k: KubeSandbox
const call = async (method: string, path: string, body?: Buffer | Obj, headers: Record<string, string> = {}) => {
  const isPb = Buffer.isBuffer(body)
  const res = await fetch(`${k.sb.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': isPb ? PB : 'application/json' }), ...headers },
    body: body === undefined ? undefined : isPb ? body : JSON.stringify(body),
  })
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) }
}
const getJson = async (path: string) => JSON.parse((await call('GET', path)).body.toString()) as Obj
/** A stored object without what the server assigns per object (and without the controllers' status). */
const comparable = (o: Obj, name: string) => {
  const { uid: _u, resourceVersion: _r, creationTimestamp: _c, name: _n, ...meta } = o.metadata
  const { status: _s, ...rest } = o
  return JSON.parse(JSON.stringify({ ...rest, metadata: meta }).replaceAll(name, 'NAME'))
}

beforeAll(async () => {
  k = await startKubeSandbox()
})
afterAll(async () => {
  await k?.sb.stop()
})

describe('protobuf request bodies', () => {
  it('creates a Secret from a protobuf body (bytes data) stored as its JSON twin, and answers in protobuf when asked', async () => {
    const secret = { metadata: { name: 'db-pb', namespace: 'shop-test', labels: { app: 'db' } }, data: { password: Buffer.from('hunter2') }, type: 'Opaque', immutable: false }
    const created = await call('POST', '/api/v1/namespaces/shop-test/secrets?fieldManager=kubectl-create', envelope('v1', 'Secret', 'k8s.io.api.core.v1.Secret', secret), { accept: `${PB},application/json` })
    expect(created.status).toBe(201)
    expect(created.type).toBe(PB)
    const answer = open(created.body, 'k8s.io.api.core.v1.Secret')
    expect(answer.typeMeta).toEqual({ apiVersion: 'v1', kind: 'Secret' })
    expect(Buffer.from(answer.object.data.password).toString()).toBe('hunter2')
    expect(answer.object.immutable).toBe(false)
    expect(answer.object.metadata.uid).toMatch(/-/)

    const twin = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-json', namespace: 'shop-test', labels: { app: 'db' }, creationTimestamp: null }, data: { password: Buffer.from('hunter2').toString('base64') }, type: 'Opaque', immutable: false }
    expect((await call('POST', '/api/v1/namespaces/shop-test/secrets?fieldManager=kubectl-create', twin)).status).toBe(201)
    const [pb, js] = [await getJson('/api/v1/namespaces/shop-test/secrets/db-pb'), await getJson('/api/v1/namespaces/shop-test/secrets/db-json')]
    expect(pb.data).toEqual({ password: 'aHVudGVyMg==' })
    expect(comparable(pb, 'db-pb')).toEqual(comparable(js, 'db-json'))
  })

  it('creates a Deployment (Quantity, IntOrString, pointers, zero Time) as its JSON twin, then scales it through a protobuf Scale', async () => {
    const spec = (name: string) => ({
      replicas: 0,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, creationTimestamp: {} },
        spec: { containers: [{ name: 'app', image: `${name}:1`, ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { limits: { cpu: { string: '500m' }, memory: { string: '128Mi' } } } }] },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: { type: 1, strVal: '25%' }, maxUnavailable: { type: 0, intVal: 1 } } },
    })
    const body = envelope('apps/v1', 'Deployment', 'k8s.io.api.apps.v1.Deployment', { metadata: { name: 'cart-pb', namespace: 'shop', generateName: '', creationTimestamp: {} }, spec: spec('cart-pb') })
    const created = await call('POST', '/apis/apps/v1/namespaces/shop/deployments', body)
    expect(created.status).toBe(201)
    expect(created.type).toBe('application/json')

    // What Go's encoding/json writes for the same struct: non-omitempty fields and struct values stay
    const twin = {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'cart-json', namespace: 'shop', creationTimestamp: null },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'cart-json' } },
        template: {
          metadata: { labels: { app: 'cart-json' }, creationTimestamp: null },
          spec: { containers: [{ name: 'app', image: 'cart-json:1', ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { limits: { cpu: '500m', memory: '128Mi' } } }] },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      },
      status: {},
    }
    expect((await call('POST', '/apis/apps/v1/namespaces/shop/deployments', twin)).status).toBe(201)
    const pb = await getJson('/apis/apps/v1/namespaces/shop/deployments/cart-pb')
    expect(pb.spec.replicas).toBe(0)
    expect(pb.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '500m', memory: '128Mi' })
    expect(pb.spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: 1 })
    expect(comparable(pb, 'cart-pb')).toEqual(comparable(await getJson('/apis/apps/v1/namespaces/shop/deployments/cart-json'), 'cart-json'))

    const read = open((await call('GET', '/apis/apps/v1/namespaces/shop/deployments/cart-pb', undefined, { accept: PB })).body, 'k8s.io.api.apps.v1.Deployment')
    expect(read.object.spec.replicas).toBe(0)
    expect(read.object.spec.strategy.rollingUpdate).toEqual({ maxSurge: { type: 1, strVal: '25%' }, maxUnavailable: { type: 0, intVal: 1 } })
    expect(read.object.spec.template.spec.containers[0].resources.limits.cpu).toEqual({ string: '500m' })

    const got = await call('GET', '/apis/apps/v1/namespaces/shop/deployments/cart-pb/scale', undefined, { accept: PB })
    const scale = open(got.body, 'k8s.io.api.autoscaling.v1.Scale')
    expect(scale.typeMeta).toEqual({ apiVersion: 'autoscaling/v1', kind: 'Scale' })
    expect(scale.object.spec).toEqual({ replicas: 0 })
    const put = envelope('autoscaling/v1', 'Scale', 'k8s.io.api.autoscaling.v1.Scale', { metadata: { name: 'cart-pb', namespace: 'shop', resourceVersion: scale.object.metadata.resourceVersion }, spec: { replicas: 3 } })
    const scaled = await call('PUT', '/apis/apps/v1/namespaces/shop/deployments/cart-pb/scale', put, { accept: PB })
    expect(scaled.status).toBe(200)
    expect(open(scaled.body, 'k8s.io.api.autoscaling.v1.Scale').object.spec).toEqual({ replicas: 3 })
    expect((await getJson('/apis/apps/v1/namespaces/shop/deployments/cart-pb')).spec.replicas).toBe(3)
  })

  it('updates a CronJob with a protobuf PUT (a present false pointer stays) and lists in protobuf', async () => {
    const jobTemplate = { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'job:1' }] } } } }
    const cron = { metadata: { name: 'nightly-pb', namespace: 'shop' }, spec: { schedule: '0 2 * * *', suspend: true, startingDeadlineSeconds: 0, jobTemplate } }
    expect((await call('POST', '/apis/batch/v1/namespaces/shop/cronjobs', envelope('batch/v1', 'CronJob', 'k8s.io.api.batch.v1.CronJob', cron))).status).toBe(201)
    const stored = await getJson('/apis/batch/v1/namespaces/shop/cronjobs/nightly-pb')
    expect(stored.spec).toMatchObject({ suspend: true, startingDeadlineSeconds: 0 })
    const resumed = { ...cron, metadata: { ...cron.metadata, resourceVersion: stored.metadata.resourceVersion }, spec: { ...cron.spec, suspend: false } }
    expect((await call('PUT', '/apis/batch/v1/namespaces/shop/cronjobs/nightly-pb', envelope('batch/v1', 'CronJob', 'k8s.io.api.batch.v1.CronJob', resumed))).status).toBe(200)
    expect((await getJson('/apis/batch/v1/namespaces/shop/cronjobs/nightly-pb')).spec.suspend).toBe(false)

    const list = await call('GET', '/apis/batch/v1/namespaces/shop/cronjobs', undefined, { accept: `${PB}, application/json` })
    const decoded = open(list.body, 'k8s.io.api.batch.v1.CronJobList')
    expect(decoded.typeMeta).toEqual({ apiVersion: 'batch/v1', kind: 'CronJobList' })
    const item = decoded.object.items.find((i: Obj) => i.metadata.name === 'nightly-pb')
    expect(item.spec.suspend).toBe(false)
    expect(item.metadata.creationTimestamp.seconds).toBe(Math.floor(Date.parse(stored.metadata.creationTimestamp) / 1000))
    expect(item.metadata.managedFields[0].fieldsV1.Raw.length).toBeGreaterThan(2)
  })

  it('keeps a Lease\'s MicroTime to the microsecond', async () => {
    const renew = { seconds: Math.floor(Date.parse('2026-03-02T01:50:00Z') / 1000), nanos: 123_456_789 }
    const lease = { metadata: { name: 'leader', namespace: 'shop' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: { seconds: renew.seconds - 60 }, renewTime: renew } }
    const created = await call('POST', '/apis/coordination.k8s.io/v1/namespaces/shop/leases', envelope('coordination.k8s.io/v1', 'Lease', 'k8s.io.api.coordination.v1.Lease', lease))
    expect(created.status).toBe(201)
    const stored = await getJson('/apis/coordination.k8s.io/v1/namespaces/shop/leases/leader')
    expect(stored.spec).toEqual({ holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: '2026-03-02T01:49:00.000000Z', renewTime: '2026-03-02T01:50:00.123456Z' })
    const read = open((await call('GET', '/apis/coordination.k8s.io/v1/namespaces/shop/leases/leader', undefined, { accept: PB })).body, 'k8s.io.api.coordination.v1.Lease')
    expect(read.object.spec.renewTime).toEqual({ seconds: renew.seconds, nanos: 123_456_000 })
  })

  it('answers failures as a protobuf Status, and takes a protobuf DeleteOptions', async () => {
    const secret = envelope('v1', 'Secret', 'k8s.io.api.core.v1.Secret', { metadata: { name: 'twice', namespace: 'shop-test' }, stringData: { a: 'b' } })
    expect((await call('POST', '/api/v1/namespaces/shop-test/secrets', secret)).status).toBe(201)
    const again = await call('POST', '/api/v1/namespaces/shop-test/secrets', secret, { accept: `${PB},application/json` })
    expect(again.status).toBe(409)
    const status = open(again.body, 'k8s.io.apimachinery.pkg.apis.meta.v1.Status')
    expect(status.typeMeta).toEqual({ apiVersion: 'v1', kind: 'Status' })
    expect(status.object).toMatchObject({ status: 'Failure', reason: 'AlreadyExists', code: 409, message: 'secrets "twice" already exists', details: { name: 'twice', kind: 'secrets' } })

    const wrongUid = envelope('v1', 'DeleteOptions', 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions', { preconditions: { uid: 'not-it' } })
    expect((await call('DELETE', '/api/v1/namespaces/shop-test/secrets/twice', wrongUid)).status).toBe(409)
    const uid = (await getJson('/api/v1/namespaces/shop-test/secrets/twice')).metadata.uid
    const rightUid = envelope('v1', 'DeleteOptions', 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions', { preconditions: { uid } })
    expect((await call('DELETE', '/api/v1/namespaces/shop-test/secrets/twice', rightUid)).status).toBe(200)
    expect((await call('GET', '/api/v1/namespaces/shop-test/secrets/twice')).status).toBe(404)
  })

  it('refuses a body without the magic, a kind it does not know, and a protobuf patch', async () => {
    const bare = await call('POST', '/api/v1/namespaces/shop-test/configmaps', Buffer.from([0x0a, 0x00]))
    expect(bare.status).toBe(400)
    expect(JSON.parse(bare.body.toString()).message).toContain('expected prefix [107 56 115 0]')
    const unknown = await call('POST', '/api/v1/namespaces/shop-test/configmaps', envelope('v1', 'Gadget', 'k8s.io.api.core.v1.ConfigMap', { metadata: { name: 'x' } }))
    expect(unknown.status).toBe(400)
    expect(JSON.parse(unknown.body.toString()).message).toContain('no kind "Gadget" is registered for version "v1"')
    const patch = await call('PATCH', '/api/v1/namespaces/shop/configmaps/anything', envelope('v1', 'ConfigMap', 'k8s.io.api.core.v1.ConfigMap', { data: { a: 'b' } }))
    expect(patch.status).toBe(415)
  })
})

describe('custom resources stay JSON', () => {
  const split = { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name: 'web', namespace: 'shop' }, spec: { service: 'web', backends: [{ service: 'web-ecs', weight: 100 }] } }
  it('answers JSON to a client that prefers protobuf, 406 to one that takes only protobuf, 415 to a protobuf body', async () => {
    const path = '/apis/split.smi-spec.io/v1alpha2/namespaces/shop/trafficsplits'
    const created = await call('POST', path, split, { accept: `${PB},application/json` })
    expect(created.status).toBe(201)
    expect(created.type).toBe('application/json')
    expect(JSON.parse(created.body.toString()).spec.backends[0].weight).toBe(100)
    const only = await call('GET', `${path}/web`, undefined, { accept: PB })
    expect(only.status).toBe(406)
    expect(JSON.parse(only.body.toString()).reason).toBe('NotAcceptable')
    const body = Buffer.concat([MAGIC, Unknown.encode({ typeMeta: { apiVersion: split.apiVersion, kind: split.kind }, raw: Buffer.from('{}') }).finish()])
    const refused = await call('POST', path, body)
    expect(refused.status).toBe(415)
    expect(JSON.parse(refused.body.toString()).reason).toBe('UnsupportedMediaType')
  })

  it('answers JSON to a client that asks for JSON first, even for built-in kinds', async () => {
    const res = await call('GET', '/api/v1/namespaces/shop', undefined, { accept: `application/json, ${PB}` })
    expect(res.type).toBe('application/json')
    expect(JSON.parse(res.body.toString()).metadata.name).toBe('shop')
  })
})

describe('the schemas ship with the package', () => {
  it('packs the .proto files and json-fields.json where the built code looks for them (package root sandbox/kubernetes/proto)', async () => {
    const { execFile } = await import('node:child_process')
    const { promisify } = await import('node:util')
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT })
    const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path)
    for (const f of ['json-fields.json', 'k8s.io/api/core/v1/generated.proto', 'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto'])
      expect(files).toContain(`sandbox/kubernetes/proto/${f}`)
  })
})
