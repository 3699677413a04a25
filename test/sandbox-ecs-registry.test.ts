import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs'
import { DescribeRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge'
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler'
import { ecsDeployments } from '../sandbox/ecs/deployments.js'
import { ecsHandler } from '../sandbox/ecs/handler.js'
import { ecsLauncher } from '../sandbox/ecs/launcher.js'
import { eventsHandler } from '../sandbox/events/handler.js'
import { startSandbox } from '../sandbox/index.js'
import { schedulerHandler } from '../sandbox/scheduler/handler.js'
import { controllers, handlers } from '../sandbox/services.js'

it('registers the ECS, EventBridge and Scheduler handlers and the ECS controllers, and serves them beside the others', async () => {
  expect(handlers).toEqual(expect.arrayContaining([ecsHandler, eventsHandler, schedulerHandler]))
  // The ECS controllers are registered run across every region of the estate (sandbox/scopes.ts).
  expect(controllers.map((c) => c.name)).toEqual(expect.arrayContaining([ecsLauncher.name, ecsDeployments.name]))
  const stateDir = await mkdtemp(join(tmpdir(), 'switchover-sandbox-registry-'))
  const sandbox = await startSandbox({ stateDir })
  const config = { endpoint: sandbox.url, region: 'us-east-1', credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' }, maxAttempts: 1 }
  const ecs = new ECSClient(config)
  const events = new EventBridgeClient(config)
  const scheduler = new SchedulerClient(config)
  try {
    expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toHaveLength(2)
    expect((await events.send(new DescribeRuleCommand({ Name: 'prod-orders-hourly-report' }))).State).toBe('ENABLED')
    expect((await scheduler.send(new GetScheduleCommand({ Name: 'prod-orders-cleanup' }))).ScheduleExpression).toBe('cron(0 2 * * ? *)')
    expect(sandbox.calls().map((c) => [c.service, c.operation, c.mutating, c.status])).toEqual([
      ['ecs', 'ListClusters', false, 200],
      ['events', 'DescribeRule', false, 200],
      ['scheduler', 'GetSchedule', false, 200],
    ])
  } finally {
    ecs.destroy()
    events.destroy()
    scheduler.destroy()
    await sandbox.stop()
    await rm(stateDir, { recursive: true, force: true })
  }
})
