import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ecsService, ServiceNotFound } from '../steps/ecs-service.js'
import { awsSandbox, mutating, type AwsSandbox } from './helpers/aws-sandbox.js'
import { appliedKeys, harness, planStep, restoreStep, runStep } from './helpers/step-harness.js'

const params = { cluster: 'prod', services: [{ name: 'orders-worker', desiredCount: 0 }, { name: 'orders', desiredCount: 3 }] }

describe('ecs.service against the sandbox', () => {
  let s: AwsSandbox
  beforeEach(async () => { s = await awsSandbox() })
  afterEach(async () => { await s.stop() })

  const service = (name: string) => s.sb.core.estate.ecs.clusters.find((c) => c.clusterName === 'prod')!.services.find((x) => x.serviceName === name)!

  it('plans without writes, scales, waits until steady, reruns idle and restores the counts', async () => {
    const initial = s.sb.dump()
    let m = s.mark()
    const plan = await planStep(harness({ aws: s.readOnly, clock: s.sb.clock }), ecsService, params)
    expect(mutating(s, m)).toHaveLength(0)
    expect(plan.changes.map((c) => c.summary)).toEqual(['service orders-worker: desiredCount 1 -> 0', 'service orders: desiredCount 2 -> 3'])

    const h = harness({ aws: s.aws, clock: s.sb.clock })
    m = s.mark()
    const run = await runStep(h, ecsService, params)
    expect(run.error).toBeUndefined()
    expect(mutating(s, m).map((c) => c.operation)).toEqual(['UpdateService', 'UpdateService'])
    expect(appliedKeys(h)).toEqual(['ecs-service:prod:orders-worker', 'ecs-service:prod:orders'])
    expect(h.waits.length).toBeGreaterThan(0)
    expect(h.waits.every((w) => w.ms === 5000)).toBe(true)
    expect(service('orders')).toMatchObject({ desiredCount: 3, runningCount: 3 })
    expect(service('orders-worker')).toMatchObject({ desiredCount: 0, runningCount: 0 })

    m = s.mark()
    expect((await runStep(harness({ aws: s.aws, clock: s.sb.clock }), ecsService, params)).changes).toHaveLength(0)
    expect(mutating(s, m)).toHaveLength(0)

    await restoreStep(harness({ aws: s.aws, clock: s.sb.clock }), ecsService, run.params, Object.fromEntries(run.changes.map((c) => [c.key, c.before])))
    expect(service('orders')).toMatchObject({ desiredCount: 2, runningCount: 2 })
    expect(s.sb.dump()).toEqual(initial)
  })

  it('refuses an unknown service by name', async () => {
    await expect(planStep(harness({ aws: s.readOnly, clock: s.sb.clock }), ecsService, { cluster: 'prod', services: [{ name: 'nope', desiredCount: 1 }] })).rejects.toBeInstanceOf(ServiceNotFound)
  })
})
