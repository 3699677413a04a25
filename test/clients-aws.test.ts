import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAwsClients, createLazyAwsClients } from '../runner/clients/aws.js'
import { isReadOperation, ReadOnlyViolation } from '../runner/clients/read-only.js'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'

describe('createAwsClients', () => {
  let sb: RunningSandbox
  beforeEach(async () => { sb = await startSandbox() })
  afterEach(async () => { await sb.stop() })

  it('reaches the endpoint from AWS_ENDPOINT_URL in env and counts commands and attempts', async () => {
    const aws = await createAwsClients({ env: sb.env })
    const zones = await aws.route53.listHostedZonesByName({})
    expect(zones.HostedZones?.map((z) => z.Name)).toContain('example.com.')
    const clusters = await aws.ecs.describeClusters({ clusters: ['prod'] })
    expect(clusters.clusters?.[0].clusterArn).toBe('arn:aws:ecs:us-east-1:000000000000:cluster/prod')
    expect(await aws.eventbridge.describeRule({ Name: 'prod-inventory-sync' })).toHaveProperty('Name', 'prod-inventory-sync')
    expect(await aws.scheduler.listSchedules({})).toHaveProperty('Schedules')
    const counts = aws.counts()
    expect(counts.route53).toMatchObject({ commands: 1, attempts: 1, mutating: 0, byOperation: { ListHostedZonesByName: 1 } })
    expect(counts.ecs.commands + counts.eventbridge.commands + counts.scheduler.commands).toBe(3)
  })

  it('gives each client the methods of the commands its module names, and no others', async () => {
    const aws = await createAwsClients({ env: sb.env })
    expect(typeof aws.ecs.describeServices).toBe('function')
    expect(typeof aws.route53.listResourceRecordSets).toBe('function')
    expect((aws.ecs as unknown as Record<string, unknown>).listClusters).toBeUndefined()
    expect((aws.route53 as unknown as Record<string, unknown>).deleteHostedZone).toBeUndefined()
    // The lazy clients say which method is missing, at the call.
    const lazy = createLazyAwsClients({ env: sb.env })
    await expect((lazy.ecs as unknown as Record<string, () => Promise<unknown>>).listClusters!()).rejects.toThrow('ECS client has no method listClusters')
  })

  it('prefers the per-service AWS_ENDPOINT_URL_<SERVICE> over AWS_ENDPOINT_URL', async () => {
    const aws = await createAwsClients({ env: { ...sb.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_ROUTE_53: sb.url }, maxAttempts: 1 })
    await expect(aws.route53.getHostedZone({ Id: 'Z0EXAMPLE0001' })).resolves.toHaveProperty('HostedZone')
    await expect(aws.ecs.describeClusters({ clusters: ['prod'] })).rejects.toThrow()
  })

  it('read-only clients refuse writes before sending them, naming the command', async () => {
    const ro = await createAwsClients({ env: sb.env, readOnly: true })
    const before = sb.calls().length
    const err = await ro.eventbridge.disableRule({ Name: 'prod-inventory-sync' }).catch((e) => e)
    expect(err).toBeInstanceOf(ReadOnlyViolation)
    expect(err.message).toContain('DisableRule')
    await expect(ro.route53.changeResourceRecordSets({ HostedZoneId: 'Z0EXAMPLE0001', ChangeBatch: { Changes: [] } })).rejects.toBeInstanceOf(ReadOnlyViolation)
    await expect(ro.ecs.describeServices({ cluster: 'prod', services: ['orders'] })).resolves.toHaveProperty('services')
    expect(sb.calls().slice(before).map((c) => c.operation)).toEqual(['DescribeServices'])
  })

  it('counts retries as attempts', async () => {
    sb.faults.add({ service: 'route53', operation: 'GetHostedZone', error: 'Throttling', nth: 1 })
    const aws = await createAwsClients({ env: sb.env })
    await aws.route53.getHostedZone({ Id: 'Z0EXAMPLE0001' })
    expect(aws.counts().route53).toMatchObject({ commands: 1, attempts: 2 })
  })

  it('knows reads from writes', () => {
    for (const op of ['GetChange', 'ListResourceRecordSets', 'DescribeRule', 'TestDNSAnswer']) expect(isReadOperation(op)).toBe(true)
    for (const op of ['ChangeResourceRecordSets', 'DisableRule', 'UpdateSchedule', 'UpdateService', 'Listen']) expect(isReadOperation(op)).toBe(false)
  })
})
