/**
 * Discovery of the Kubernetes client (runner/clients/kube.ts over kube-discovery.ts), against the
 * sandbox over real HTTP: built-in kinds need none, a custom resource's group version is asked for
 * once per cluster however many clients of that cluster (read-only or not) use it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { referenceEstate } from '../fixtures/generate.js'
import { createKubeApi, KubeRequestFailed } from '../runner/clients/kube.js'
import { KubeDiscovery } from '../runner/clients/kube-discovery.js'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'

let sb: RunningSandbox | undefined
afterEach(async () => {
  await sb?.stop()
  sb = undefined
})

const discoveries = (s: RunningSandbox) => s.calls().filter((c) => c.service === 'kubernetes' && c.operation === 'discovery').length

describe('Kubernetes discovery', () => {
  it('reads, lists and dry-runs built-in kinds without any discovery request', async () => {
    sb = await startSandbox({ estate: referenceEstate() })
    const kube = await createKubeApi({ kubeconfigPath: sb.kubeconfigPath, discovery: new KubeDiscovery() })
    expect(await kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'absent' })).toBeNull()
    expect(await kube.list('batch/v1', 'CronJob', { namespace: 'shop' })).toBeInstanceOf(Array)
    await kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe', namespace: 'shop' }, data: { a: '1' } }, { dryRun: true })
    expect(await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'shop' })).not.toBeNull()
    expect(discoveries(sb)).toBe(0)
  })

  it('discovers a custom resource\'s group version once per cluster, shared by the read-only and the writing client', async () => {
    sb = await startSandbox({ estate: referenceEstate() })
    const shared = new KubeDiscovery()
    const preflight = await createKubeApi({ kubeconfigPath: sb.kubeconfigPath, readOnly: true, discovery: shared })
    const run = await createKubeApi({ kubeconfigPath: sb.kubeconfigPath, discovery: shared })
    const ref = { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', namespace: 'shop', name: 'none-such' }
    expect(await preflight.get(ref)).toBeNull()
    expect(await run.get(ref)).toBeNull()
    await run.list(ref.apiVersion, ref.kind, { namespace: 'shop' })
    expect(discoveries(sb)).toBe(1)
    // Another group version is another discovery document.
    await run.get({ ...ref, apiVersion: 'split.smi-spec.io/v1alpha3' })
    expect(discoveries(sb)).toBe(2)
    expect(shared.fetched).toBe(2)
  })

  it('refuses a built-in kind the server does not serve instead of taking it for absent', async () => {
    sb = await startSandbox({ estate: referenceEstate() })
    const kube = await createKubeApi({ kubeconfigPath: sb.kubeconfigPath, discovery: new KubeDiscovery() })
    // The sandbox serves no DaemonSets: its 404 names no object.
    const err = await kube.get({ apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'shop', name: 'agent' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KubeRequestFailed)
    expect((err as KubeRequestFailed).code).toBe(404)
    expect(String((err as Error).message)).toContain('serves no DaemonSet at apps/v1')
  })
})
