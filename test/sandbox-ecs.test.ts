import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTasksCommand,
  paginateListServices,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs'
import { referenceEstate } from '../fixtures/generate.js'
import type { Estate } from '../sandbox/estate.js'
import { ECS_STEADY_DELAY_MS } from '../sandbox/ecs/model.js'
import { failure, startAwsSandbox, type AwsSandbox } from './sandbox-aws-helpers.js'

/** The reference estate with 30 extra services on the prod cluster (34 in all). */
function bigEstate(): Estate {
  const estate = referenceEstate()
  const prod = estate.ecs.clusters.find((c) => c.clusterName === 'prod')!
  for (let i = 0; i < 30; i++) {
    const name = `extra-${String(i).padStart(2, '0')}`
    prod.services.push({
      ...prod.services[0]!,
      serviceName: name,
      serviceArn: `arn:aws:ecs:us-east-1:000000000000:service/prod/${name}`,
      desiredCount: 1,
      runningCount: 1,
    })
  }
  return estate
}

describe('sandbox ECS over the real SDK', () => {
  let s: AwsSandbox
  beforeAll(async () => {
    s = await startAwsSandbox(bigEstate())
  })
  afterAll(async () => {
    await s?.stop()
  })

  it('lists and describes clusters, reporting missing ones as failures', async () => {
    const list = await s.ecs.send(new ListClustersCommand({}))
    expect(list.clusterArns).toEqual(['arn:aws:ecs:us-east-1:000000000000:cluster/prod', 'arn:aws:ecs:us-east-1:000000000000:cluster/test'])
    const out = await s.ecs.send(new DescribeClustersCommand({ clusters: ['prod', 'arn:aws:ecs:us-east-1:000000000000:cluster/test', 'gone'] }))
    expect(out.clusters?.map((c) => [c.clusterName, c.status, c.activeServicesCount, c.runningTasksCount])).toEqual([
      ['prod', 'ACTIVE', 34, 37],
      ['test', 'ACTIVE', 4, 7],
    ])
    expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/gone', reason: 'MISSING' }])
  })

  it('pages ListServices with maxResults and nextToken, and the SDK paginator sees every service once', async () => {
    const first = await s.ecs.send(new ListServicesCommand({ cluster: 'prod', maxResults: 10 }))
    expect(first.serviceArns).toHaveLength(10)
    expect(first.nextToken).toBeTruthy()
    const seen: string[] = []
    let pages = 0
    for await (const page of paginateListServices({ client: s.ecs, pageSize: 10 }, { cluster: 'prod' })) {
      pages++
      seen.push(...(page.serviceArns ?? []))
    }
    expect(pages).toBe(4)
    expect(new Set(seen).size).toBe(34)
    // Default page size is 10, as on AWS.
    expect((await s.ecs.send(new ListServicesCommand({ cluster: 'test' }))).serviceArns).toHaveLength(4)
    expect((await failure(s.ecs.send(new ListServicesCommand({ cluster: 'prod', nextToken: 'bogus' })))).name).toBe('InvalidParameterException')
    expect((await failure(s.ecs.send(new ListServicesCommand({ cluster: 'prod', maxResults: 101 })))).name).toBe('InvalidParameterException')
  })

  it('describes services by name or ARN, with failures for missing ones', async () => {
    const out = await s.ecs.send(
      new DescribeServicesCommand({ cluster: 'prod', services: ['orders', 'arn:aws:ecs:us-east-1:000000000000:service/prod/website', 'nope'] }),
    )
    expect(out.services?.map((x) => [x.serviceName, x.desiredCount, x.runningCount, x.status])).toEqual([
      ['orders', 2, 2, 'ACTIVE'],
      ['website', 2, 2, 'ACTIVE'],
    ])
    expect(out.services?.[0]?.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'COMPLETED', desiredCount: 2, runningCount: 2 })
    expect(out.services?.[0]?.deployments?.[0]?.createdAt).toBeInstanceOf(Date)
    expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:000000000000:service/prod/nope', reason: 'MISSING' }])
  })

  it('answers ECS error codes with HTTP 400', async () => {
    const cluster = await failure(s.ecs.send(new DescribeServicesCommand({ cluster: 'nope', services: ['orders'] })))
    expect(cluster).toMatchObject({ name: 'ClusterNotFoundException', status: 400, message: 'Cluster not found.' })
    const service = await failure(s.ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'nope', desiredCount: 1 })))
    expect(service).toMatchObject({ name: 'ServiceNotFoundException', status: 400 })
    const param = await failure(s.ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'orders', desiredCount: -1 })))
    expect(param).toMatchObject({ name: 'InvalidParameterException', status: 400 })
    const many = Array.from({ length: 11 }, (_, i) => `s${i}`)
    expect((await failure(s.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: many })))).name).toBe('InvalidParameterException')
  })

  it('scales a service: IN_PROGRESS at once, steady after the rollout delay on virtual time', async () => {
    const describe = async () =>
      (await s.ecs.send(new DescribeServicesCommand({ cluster: 'test', services: ['orders'] }))).services![0]!
    const updated = await s.ecs.send(new UpdateServiceCommand({ cluster: 'test', service: 'orders', desiredCount: 0 }))
    expect(updated.service).toMatchObject({ desiredCount: 0, runningCount: 2 })
    expect(updated.service?.deployments).toHaveLength(1)
    expect(updated.service?.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS', desiredCount: 0 })

    await s.sandbox.clock.sleep(ECS_STEADY_DELAY_MS - 1_000)
    expect((await describe()).runningCount).toBe(2)
    await s.sandbox.clock.sleep(1_000)
    const steady = await describe()
    expect(steady).toMatchObject({ desiredCount: 0, runningCount: 0, pendingCount: 0 })
    expect(steady.deployments?.map((d) => [d.status, d.rolloutState, d.runningCount])).toEqual([['PRIMARY', 'COMPLETED', 0]])
    expect((await s.ecs.send(new ListTasksCommand({ cluster: 'test', serviceName: 'orders' }))).taskArns).toEqual([])

    // Scaling back up is observable the same way; an update that asks for nothing new changes nothing.
    await s.ecs.send(new UpdateServiceCommand({ cluster: 'test', service: 'orders', desiredCount: 2 }))
    expect((await describe()).pendingCount).toBe(2)
    await s.sandbox.clock.sleep(ECS_STEADY_DELAY_MS)
    const before = JSON.stringify(s.sandbox.core.estate.ecs)
    await s.ecs.send(new UpdateServiceCommand({ cluster: 'test', service: 'orders', desiredCount: 2 }))
    expect(JSON.stringify(s.sandbox.core.estate.ecs)).toBe(before)
    expect((await describe()).runningCount).toBe(2)
  })

  it('starts a new deployment for a new task definition and drops the old one when steady', async () => {
    const taskDefinition = 'arn:aws:ecs:us-east-1:000000000000:task-definition/test-website:1'
    const other = 'arn:aws:ecs:us-east-1:000000000000:task-definition/test-inventory:1'
    const out = await s.ecs.send(new UpdateServiceCommand({ cluster: 'test', service: 'website', taskDefinition: other }))
    expect(out.service?.deployments?.map((d) => [d.status, d.taskDefinition, d.rolloutState])).toEqual([
      ['PRIMARY', other, 'IN_PROGRESS'],
      ['ACTIVE', taskDefinition, 'COMPLETED'],
    ])
    await s.sandbox.clock.sleep(ECS_STEADY_DELAY_MS)
    const after = await s.ecs.send(new DescribeServicesCommand({ cluster: 'test', services: ['website'] }))
    expect(after.services?.[0]?.deployments?.map((d) => [d.status, d.taskDefinition, d.rolloutState])).toEqual([['PRIMARY', other, 'COMPLETED']])
    const missing = await failure(s.ecs.send(new UpdateServiceCommand({ cluster: 'test', service: 'website', taskDefinition: 'nope:9' })))
    expect(missing).toMatchObject({ name: 'ClientException', status: 400 })
  })

  it('lists running tasks per service and per cluster, with paging', async () => {
    const orders = await s.ecs.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'orders' }))
    expect(orders.taskArns).toHaveLength(2)
    expect(orders.taskArns?.[0]).toMatch(/^arn:aws:ecs:us-east-1:000000000000:task\/prod\/[0-9a-f]{32}$/)
    const again = await s.ecs.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'orders' }))
    expect(again.taskArns).toEqual(orders.taskArns)
    const all: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const page = await s.ecs.send(new ListTasksCommand({ cluster: 'prod', maxResults: 15, nextToken: token }))
      all.push(...(page.taskArns ?? []))
      token = page.nextToken
      pages++
    } while (token)
    expect([all.length, new Set(all).size, pages]).toEqual([37, 37, 3])
    expect((await s.ecs.send(new ListTasksCommand({ cluster: 'prod', desiredStatus: 'STOPPED' }))).taskArns).toEqual([])
    expect((await failure(s.ecs.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'nope' })))).name).toBe('ServiceNotFoundException')
  })

  it('describes task definitions by ARN, family:revision and family', async () => {
    const arn = 'arn:aws:ecs:us-east-1:000000000000:task-definition/prod-orders-report:1'
    for (const id of [arn, 'prod-orders-report:1', 'prod-orders-report']) {
      const out = await s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: id }))
      expect(out.taskDefinition).toMatchObject({ taskDefinitionArn: arn, family: 'prod-orders-report', revision: 1, status: 'ACTIVE', networkMode: 'awsvpc' })
      expect(out.taskDefinition?.containerDefinitions?.[0]?.name).toBe('prod-orders-report')
      expect(out.taskDefinition?.registeredAt).toBeInstanceOf(Date)
    }
    const missing = await failure(s.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope:1' })))
    expect(missing).toMatchObject({ name: 'ClientException', status: 400, message: 'Unable to describe task definition.' })
  })

  it('answers an injected throttle as ThrottlingException, which the SDK retries', async () => {
    s.sandbox.faults.add({ service: 'ecs', operation: 'ListClusters', error: 'Throttling', nth: 1 })
    const once = await failure(s.ecs.send(new ListClustersCommand({})))
    expect(once).toMatchObject({ name: 'ThrottlingException', status: 400 })
    s.sandbox.faults.add({ service: 'ecs', operation: 'ListClusters', error: 'Throttling', nth: 1 })
    const retrying = new ECSClient({ ...s.ecs.config, maxAttempts: 3, retryStrategy: undefined })
    try {
      const out = await retrying.send(new ListClustersCommand({}))
      expect(out.clusterArns).toHaveLength(2)
      expect(out.$metadata.attempts).toBe(2)
    } finally {
      retrying.destroy()
      s.sandbox.faults.clear()
    }
    const calls = s.sandbox.calls().filter((c) => c.service === 'ecs' && c.operation === 'ListClusters')
    expect(calls.filter((c) => c.fault === 'Throttling')).toHaveLength(2)
    expect(calls.every((c) => c.mutating === false)).toBe(true)
    expect(s.sandbox.calls().find((c) => c.operation === 'UpdateService')?.mutating).toBe(true)
  })
})
