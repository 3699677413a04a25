import { describe, expect, it } from 'vitest'
import type { ApplyContext } from '../runner/contract.js'
import { kubeKey, type KubeObject, type KubeRef } from '../runner/clients/kube-types.js'
import { RolloutTimedOut, waitUntilReady } from '../steps/kube/wait.js'

const dep = (name: string): KubeRef => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name })

/** A cluster where each Deployment is rolled out from its given virtual time on; counts reads. */
function fakeCluster(readyAt: Record<string, number>) {
  let now = 0
  const gets: string[] = []
  const waits: number[] = []
  const deployment = (name: string): KubeObject => {
    const ready = now >= readyAt[name]
    return {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'shop', generation: 1 },
      spec: { replicas: 2 },
      status: { observedGeneration: 1, replicas: 2, updatedReplicas: ready ? 2 : 0, availableReplicas: ready ? 2 : 0 },
    }
  }
  const ctx = {
    clock: { virtual: true, now: () => now, sleep: async (ms: number) => { now += ms } },
    kube: {
      get: async (ref: KubeRef) => {
        gets.push(`${ref.kind}/${ref.name}`)
        return ref.kind === 'Deployment' ? deployment(ref.name) : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: ref.name }, subsets: [{ addresses: [{ ip: '10.0.0.1' }] }] }
      },
    },
    wait: async (ms: number) => { waits.push(ms); now += ms },
  } as unknown as ApplyContext
  return { ctx, gets, waits }
}

describe('rollout wait', () => {
  it('backs off from the interval (5 s, 10 s, 20 s) and, after the first look, reads only up to the first Deployment not rolled out', async () => {
    const c = fakeCluster({ orders: 20_000, inventory: 20_000, website: 20_000 })
    await waitUntilReady(c.ctx, { workloads: [dep('orders'), dep('inventory'), dep('website')], services: [dep('orders')] }, 600_000, 5_000)
    expect(c.waits).toEqual([5_000, 10_000, 20_000])
    // All three at once, orders alone at 5 s and 15 s, all three at 35 s.
    expect(c.gets.filter((g) => g.startsWith('Deployment/'))).toEqual([
      'Deployment/orders', 'Deployment/inventory', 'Deployment/website', 'Deployment/orders', 'Deployment/orders',
      'Deployment/orders', 'Deployment/inventory', 'Deployment/website',
    ])
    expect(c.gets.filter((g) => g.startsWith('Endpoints/'))).toHaveLength(1)
  })

  it('takes the answers of the writes just made as the first look, reading none of those workloads at once', async () => {
    const c = fakeCluster({ orders: 20_000, inventory: 20_000 })
    const answer = (name: string): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'shop', generation: 2 }, spec: { replicas: 2 }, status: { observedGeneration: 1 } })
    const written = new Map([[kubeKey(dep('orders')), answer('orders')], [kubeKey(dep('inventory')), answer('inventory')]])
    await waitUntilReady(c.ctx, { workloads: [dep('orders'), dep('inventory')], services: [], written }, 600_000, 5_000)
    expect(c.waits).toEqual([5_000, 10_000, 20_000])
    expect(c.gets).toEqual(['Deployment/orders', 'Deployment/orders', 'Deployment/orders', 'Deployment/inventory'])
  })

  it('an answer that shows the workload rolled out ends its wait without a read', async () => {
    const c = fakeCluster({ orders: 0 })
    const done: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'orders', namespace: 'shop', generation: 1 }, spec: { replicas: 1 }, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 } }
    await waitUntilReady(c.ctx, { workloads: [dep('orders')], services: [], written: new Map([[kubeKey(dep('orders')), done]]) }, 600_000, 5_000)
    expect(c.gets).toEqual([])
    expect(c.waits).toEqual([])
  })

  it('a timeout names every workload still pending, the unread ones read for it', async () => {
    const c = fakeCluster({ a: Infinity, b: Infinity })
    const err = await waitUntilReady(c.ctx, { workloads: [dep('a'), dep('b')], services: [] }, 12_000, 5_000).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RolloutTimedOut)
    expect(String((err as Error).message)).toMatch(/Deployment shop\/a: .*Deployment shop\/b: /)
  })

  it('does not read a workload again once it is rolled out, and caps the back-off at 30 s', async () => {
    const c = fakeCluster({ fast: 0, slow: 120_000 })
    await waitUntilReady(c.ctx, { workloads: [dep('fast'), dep('slow')], services: [] }, 600_000, 5_000)
    expect(c.waits).toEqual([5_000, 10_000, 20_000, 30_000, 30_000, 30_000])
    expect(c.gets.filter((g) => g === 'Deployment/fast')).toHaveLength(1)
    expect(c.gets.filter((g) => g === 'Deployment/slow')).toHaveLength(7)
  })

  it('still stops at the timeout, waiting no longer than what is left', async () => {
    const c = fakeCluster({ never: Infinity })
    await expect(waitUntilReady(c.ctx, { workloads: [dep('never')], services: [] }, 40_000, 5_000)).rejects.toBeInstanceOf(RolloutTimedOut)
    expect(c.waits).toEqual([5_000, 10_000, 20_000, 5_000])
  })
})
