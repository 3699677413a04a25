/** Starts the sandbox with the ECS, EventBridge and Scheduler handlers and real SDK clients on it. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ECSClient } from '@aws-sdk/client-ecs'
import { EventBridgeClient } from '@aws-sdk/client-eventbridge'
import { SchedulerClient } from '@aws-sdk/client-scheduler'
import { referenceEstate } from '../fixtures/generate.js'
import { ecsDeployments } from '../sandbox/ecs/deployments.js'
import { ecsHandler } from '../sandbox/ecs/handler.js'
import { ecsLauncher } from '../sandbox/ecs/launcher.js'
import type { Estate } from '../sandbox/estate.js'
import { eventsHandler } from '../sandbox/events/handler.js'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'
import { schedulerHandler } from '../sandbox/scheduler/handler.js'

export type AwsSandbox = {
  sandbox: RunningSandbox
  ecs: ECSClient
  events: EventBridgeClient
  scheduler: SchedulerClient
  stop(): Promise<void>
}

export async function startAwsSandbox(estate: Estate = referenceEstate()): Promise<AwsSandbox> {
  const stateDir = await mkdtemp(join(tmpdir(), 'switchover-sandbox-aws-'))
  const sandbox = await startSandbox({
    estate,
    stateDir,
    handlers: [ecsHandler, eventsHandler, schedulerHandler],
    controllers: [ecsLauncher, ecsDeployments],
  })
  const config = {
    endpoint: sandbox.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
    maxAttempts: 1,
  }
  const ecs = new ECSClient(config)
  const events = new EventBridgeClient(config)
  const scheduler = new SchedulerClient(config)
  return {
    sandbox,
    ecs,
    events,
    scheduler,
    async stop() {
      ecs.destroy()
      events.destroy()
      scheduler.destroy()
      await sandbox.stop()
      await rm(stateDir, { recursive: true, force: true })
    },
  }
}

/** The SDK error's name and HTTP status, for asserting on the wire error. */
export async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await p
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } }
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message }
  }
  throw new Error('expected the call to fail')
}
