/**
 * The Kubernetes wire (runner/clients/kube-http.ts) against a small hand-written API server:
 * paths as kubectl builds them, discovery once per group/version for kinds that are not built in
 * (concurrent requests share it), the kubeconfig's credentials and namespace, errors, and
 * connections reused.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKubeApi, KubeRequestFailed } from '../runner/clients/kube.js'
import { KubeDiscovery } from '../runner/clients/kube-discovery.js'

type Seen = { method: string; url: string; auth?: string; contentType?: string; body: string; socket: number }

const SPLIT = 'split.smi-spec.io/v1alpha2'
const discovery: Record<string, unknown> = {
  [`/apis/${SPLIT}`]: { kind: 'APIResourceList', groupVersion: SPLIT, resources: [
    { name: 'trafficsplits/status', kind: 'TrafficSplit', namespaced: true },
    { name: 'trafficsplits', kind: 'TrafficSplit', namespaced: true },
  ] },
}

let server: Server
let seen: Seen[]
let dir: string
let failDiscovery = 0
let sockets = 0
/** Close a kept-alive connection when its next request arrives, without answering (as a server's idle timeout does). */
let dropReused = 0

const bodyOf = async (req: IncomingMessage) => {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

beforeEach(async () => {
  seen = []
  dropReused = 0
  failDiscovery = 0
  sockets = 0
  server = createServer(async (req, res) => {
    const s = req.socket as unknown as { id?: number; served?: number }
    const socket = (s.id ??= ++sockets)
    s.served = (s.served ?? 0) + 1
    if (s.served > 1 && dropReused > 0) {
      dropReused--
      seen.push({ method: req.method!, url: req.url!, body: '', socket, dropped: true } as Seen)
      return req.socket.destroy()
    }
    const body = await bodyOf(req)
    seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, contentType: req.headers['content-type'], body, socket })
    const path = new URL(req.url!, 'http://x').pathname
    const send = (code: number, data: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(data))
    }
    if (path in discovery) {
      if (failDiscovery-- > 0) return send(503, { kind: 'Status', status: 'Failure', reason: 'ServiceUnavailable', message: 'etcd is restarting', code: 503 })
      return send(200, discovery[path])
    }
    if (req.method === 'POST' && body.includes('"taken"')) return send(409, { kind: 'Status', status: 'Failure', reason: 'AlreadyExists', message: 'deployments.apps "taken" already exists', code: 409 })
    if (path.endsWith('/missing')) return send(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', message: 'deployments.apps "missing" not found', details: { name: 'missing', group: 'apps', kind: 'deployments' }, code: 404 })
    if (req.method === 'GET' && /\/(services|deployments|namespaces|trafficsplits)$/.test(path)) return send(200, { kind: 'List', items: [{ metadata: { name: 'a' } }] })
    send(200, { apiVersion: 'v1', kind: 'Echo', metadata: { name: 'echo' }, path })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  dir = await mkdtemp(join(tmpdir(), 'kube-http-'))
  await writeFile(join(dir, 'config'), [
    'apiVersion: v1', 'kind: Config', 'current-context: one',
    'clusters:', `- name: c\n  cluster:\n    server: http://127.0.0.1:${port}`,
    'users:', '- name: u\n  user:\n    token: s3cr3t-token',
    'contexts:', '- name: one\n  context:\n    cluster: c\n    user: u\n    namespace: shop', '- name: two\n  context:\n    cluster: c\n    user: u',
  ].join('\n'))
})

afterEach(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await rm(dir, { recursive: true, force: true })
})

const open = (context?: string) => createKubeApi({ kubeconfigPath: join(dir, 'config'), context, discovery: new KubeDiscovery() })
const objectRequests = () => seen.filter((s) => !(new URL(s.url, 'http://x').pathname in discovery))

describe('the Kubernetes wire', () => {
  it('reads the discovery of a group/version once, even for concurrent requests, and builds paths as kubectl does', async () => {
    const kube = await open()
    await Promise.all(Array.from({ length: 8 }, (_, i) => kube.get({ apiVersion: SPLIT, kind: 'TrafficSplit', namespace: 'shop', name: `s${i}` })))
    await Promise.all(Array.from({ length: 8 }, (_, i) => kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: `d${i}` })))
    await kube.get({ apiVersion: 'v1', kind: 'Service', name: 'web' })
    await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'shop' })
    await kube.list('apps/v1', 'Deployment', { labelSelector: 'app=web' })
    await kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' }, { spec: { replicas: 0 } }, 'merge', { subresource: 'scale' })
    await kube.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'other' } }, { dryRun: true })

    // One discovery for the custom resource; none for the built-in kinds.
    expect(seen.filter((s) => s.url.startsWith('/api/') || s.url.startsWith('/apis/')).filter((s) => !/\/(namespaces|deployments|services|trafficsplits)\b/.test(s.url)).map((s) => s.url)).toEqual([`/apis/${SPLIT}`])
    const urls = objectRequests().map((s) => `${s.method} ${s.url}`)
    expect(urls).toContain(`GET /apis/${SPLIT}/namespaces/shop/trafficsplits/s7`)
    expect(urls).toContain('GET /apis/apps/v1/namespaces/shop/deployments/d7')
    // A namespaced object without a namespace goes to the context's namespace; a cluster-scoped one has none.
    expect(urls).toContain('GET /api/v1/namespaces/shop/services/web')
    expect(urls).toContain('GET /api/v1/namespaces/shop')
    // A list without a namespace spans all namespaces.
    expect(urls).toContain('GET /apis/apps/v1/deployments?labelSelector=app%3Dweb')
    expect(urls).toContain('PATCH /apis/apps/v1/namespaces/shop/deployments/web/scale?fieldManager=switchover')
    expect(urls).toContain('PATCH /api/v1/namespaces/other/services/web?fieldManager=switchover&dryRun=All')
    const apply = objectRequests().find((s) => s.url.startsWith('/api/v1/namespaces/other/services/web'))!
    expect(apply.contentType).toBe('application/apply-patch+yaml')
    expect(JSON.parse(apply.body)).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'other' } })
    // The kubeconfig's credentials on every request, discovery included.
    expect(seen.every((s) => s.auth === 'Bearer s3cr3t-token')).toBe(true)
  })

  it('uses `default` when the context names no namespace, and keeps list items typed', async () => {
    const kube = await open('two')
    await kube.get({ apiVersion: 'v1', kind: 'Service', name: 'web' })
    expect(objectRequests().map((s) => s.url)).toEqual(['/api/v1/namespaces/default/services/web'])
    expect(await kube.list('v1', 'Service', { namespace: 'shop' })).toEqual([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } }])
  })

  it('reuses its connection for sequential requests', async () => {
    const kube = await open()
    for (let i = 0; i < 5; i++) await kube.get({ apiVersion: 'v1', kind: 'Service', name: `s${i}` })
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1)
  })

  it('sends a read again on a new connection when the server drops the kept-alive one it arrived on, but not a create', async () => {
    const kube = await open()
    await kube.get({ apiVersion: 'v1', kind: 'Service', name: 'first' })
    dropReused = 1
    expect(await kube.get({ apiVersion: 'v1', kind: 'Service', name: 'second' })).toMatchObject({ kind: 'Echo' })
    const second = seen.filter((s) => s.url.endsWith('/services/second'))
    expect(second.map((s) => (s as Seen & { dropped?: boolean }).dropped ?? false)).toEqual([true, false])
    expect(second[0]!.socket).not.toBe(second[1]!.socket)
    // A create that met a dropped connection is not sent twice: it fails, naming why.
    dropReused = 1
    const err = await kube.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'third' } }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KubeRequestFailed)
    expect(seen.filter((s) => s.method === 'POST').length).toBe(1)
  })

  it('refuses a kind the server does not serve, naming what it serves, without requesting the object', async () => {
    const kube = await open()
    const err = await kube.get({ apiVersion: SPLIT, kind: 'TrafficSplti', name: 'web' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KubeRequestFailed)
    expect(String((err as Error).message)).toMatch(/serves no kind TrafficSplti in split.smi-spec.io\/v1alpha2/)
    expect(objectRequests()).toEqual([])
  })

  it('does not keep a failed discovery: the next request asks again', async () => {
    const kube = await open()
    failDiscovery = 1
    const ref = { apiVersion: SPLIT, kind: 'TrafficSplit', name: 'web' }
    const err = await kube.get(ref).catch((e: unknown) => e)
    expect(String((err as Error).message)).toMatch(/discovery of split.smi-spec.io\/v1alpha2 failed: etcd is restarting/)
    await kube.get(ref)
    expect(seen.filter((s) => s.url === `/apis/${SPLIT}`).length).toBe(2)
  })

  it('answers null for a 404 read, and names the code and reason of any other error', async () => {
    const kube = await open()
    expect(await kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'missing' })).toBeNull()
    await expect(kube.delete({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'missing' })).resolves.toBeUndefined()
    const err = (await kube.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'taken' } }).catch((e: unknown) => e)) as KubeRequestFailed
    expect(err).toBeInstanceOf(KubeRequestFailed)
    expect([err.code, err.reason]).toEqual([409, 'AlreadyExists'])
    expect(err.message).toMatch(/already exists/)
  })
})
