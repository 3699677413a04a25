/**
 * kubectl against the sandbox, with KUBECONFIG set to the kubeconfig the sandbox generates:
 * get, client-side apply (create, then a three-way patch), patch, and server-side apply with its
 * conflict and --force-conflicts. Runs only where kubectl is installed.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startKubeSandbox, type KubeSandbox } from './sandbox-kube-helpers.js'

const run = promisify(execFile)
const hasKubectl = await run('kubectl', ['version', '--client']).then(
  () => true,
  () => false,
)

let k: KubeSandbox
let dir: string
// The sandbox serves from this process, so kubectl must run asynchronously.
const kubectl = async (...args: string[]) => {
  const env = { ...process.env, KUBECONFIG: k.sb.env.KUBECONFIG, HOME: dir }
  try {
    const { stdout } = await run('kubectl', args, { env })
    return { code: 0, out: stdout }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

const manifest = (image: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  namespace: shop
  labels: {app: orders}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: orders}}
  template:
    metadata: {labels: {app: orders}}
    spec:
      containers:
      - name: app
        image: ${image}
`

describe('kubectl against the sandbox', () => {
  beforeAll(async () => {
    k = await startKubeSandbox()
    dir = await mkdtemp(join(tmpdir(), 'switchover-kubectl-'))
  })
  afterAll(async () => {
    await k?.sb.stop()
  })

  it.runIf(hasKubectl)('gets namespaces and resources', async () => {
    const ns = await kubectl('get', 'namespaces', '-o', 'name')
    expect(ns.out.split('\n')).toEqual(expect.arrayContaining(['namespace/shop', 'namespace/shop-test']))
    expect((await kubectl('get', 'deployments', '-n', 'shop')).code).toBe(0)
    const missing = await kubectl('get', 'deployment', 'nope', '-n', 'shop')
    expect(missing.code).not.toBe(0)
    expect(missing.out).toContain('Error from server (NotFound): deployments.apps "nope" not found')
  })

  it.runIf(hasKubectl)('applies client-side (create, unchanged, then a patch) and patches', async () => {
    const file = join(dir, 'orders.yaml')
    await writeFile(file, manifest('orders:1', 2))
    expect((await kubectl('apply', '-f', file)).out).toContain('deployment.apps/orders created')
    expect((await kubectl('apply', '-f', file)).out).toContain('deployment.apps/orders unchanged')
    await writeFile(file, manifest('orders:2', 2))
    expect((await kubectl('apply', '-f', file)).out).toContain('deployment.apps/orders configured')
    const image = await kubectl('get', 'deployment', 'orders', '-n', 'shop', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.metadata.generation}')
    expect(image.out).toBe('orders:2 2')

    expect((await kubectl('patch', 'deployment', 'orders', '-n', 'shop', '-p', '{"spec":{"replicas":4}}')).out).toContain('patched')
    expect((await kubectl('patch', 'deployment', 'orders', '-n', 'shop', '--type', 'merge', '-p', '{"metadata":{"labels":{"team":"a"}}}')).code).toBe(0)
    const json = await kubectl('patch', 'deployment', 'orders', '-n', 'shop', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/replicas","value":3}]')
    expect(json.code).toBe(0)
    let got = JSON.parse((await kubectl('get', 'deployment', 'orders', '-n', 'shop', '-o', 'json')).out)
    expect(got.spec.replicas).toBe(3)
    expect((await kubectl('scale', 'deployment', 'orders', '-n', 'shop', '--replicas=6')).out).toContain('deployment.apps/orders scaled')
    got = JSON.parse((await kubectl('get', 'deployment', 'orders', '-n', 'shop', '-o', 'json')).out)
    expect(got.spec.replicas).toBe(6)
    expect(got.metadata.labels).toEqual({ app: 'orders', team: 'a' })
  })

  it.runIf(hasKubectl)('applies server-side, reports a conflict with another manager, and takes over with --force-conflicts', async () => {
    const file = join(dir, 'website.yaml')
    await writeFile(file, manifest('website:1', 2).replace(/orders/g, 'website'))
    expect((await kubectl('apply', '--server-side', '-f', file)).out).toContain('deployment.apps/website serverside-applied')
    await kubectl('patch', 'deployment', 'website', '-n', 'shop', '-p', '{"spec":{"replicas":5}}')
    await writeFile(file, manifest('website:1', 3).replace(/orders/g, 'website'))
    const refused = await kubectl('apply', '--server-side', '-f', file)
    expect(refused.code).not.toBe(0)
    expect(refused.out).toContain('Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: .spec.replicas')
    expect((await kubectl('apply', '--server-side', '--force-conflicts', '-f', file)).code).toBe(0)
    const replicas = await kubectl('get', 'deployment', 'website', '-n', 'shop', '-o', 'jsonpath={.spec.replicas}')
    expect(replicas.out).toBe('3')
    expect((await kubectl('apply', '--server-side', '--dry-run=server', '-f', file)).code).toBe(0)
  })

  it('applies a custom resource (TrafficSplit) client-side with a merge patch', async () => {
    const file = join(dir, 'split.yaml')
    const split = (ecs: number) => `apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata: {name: website, namespace: shop}
spec:
  service: website
  backends:
  - {service: website-ecs, weight: ${ecs}}
  - {service: website-eks, weight: ${100 - ecs}}
`
    await writeFile(file, split(100))
    expect((await kubectl('apply', '-f', file)).out).toContain('trafficsplit.split.smi-spec.io/website created')
    await writeFile(file, split(20))
    expect((await kubectl('apply', '-f', file)).out).toContain('configured')
    const weights = await kubectl('get', 'trafficsplits', 'website', '-n', 'shop', '-o', 'jsonpath={.spec.backends[*].weight}')
    expect(weights.out).toBe('20 80')
  })
})
