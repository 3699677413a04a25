import { describe, expect, it } from 'vitest'
import type { ApplyContext } from '../runner/contract.js'
import type { KubeObject, KubeRef } from '../runner/clients/kube-types.js'
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
  it('backs off from the interval (5 s, 10 s, 20 s): three Deployments ready after 20 s cost 4 polls each, not 5', async () => {
    const c = fakeCluster({ orders: 20_000, inventory: 20_000, website: 20_000 })
    await waitUntilReady(c.ctx, { workloads: [dep('orders'), dep('inventory'), dep('website')], services: [dep('orders')] }, 600_000, 5_000)
    expect(c.waits).toEqual([5_000, 10_000, 20_000])
    expect(c.gets.filter((g) => g.startsWith('Deployment/'))).toHaveLength(12)
    expect(c.gets.filter((g) => g.startsWith('Endpoints/'))).toHaveLength(1)
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
