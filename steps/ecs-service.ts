/**
 * `ecs.service`: set the desired count of ECS services and wait until each is steady (running
 * count = desired count, one completed deployment). Item key `ecs-service:<cluster>:<service>`,
 * item state `{ desiredCount }`.
 */
import type { Service } from '@aws-sdk/client-ecs'
import * as z from 'zod'
import type { ApplyContext, Change, Observed, StepContext, StepType } from '../runner/contract.js'
import { clusterName } from './ecs/cluster.js'
import { StepError, messageOf } from './step-error.js'

const TYPE = 'ecs.service'

export const ecsServiceParams = z
  .object({
    cluster: z.string({ error: 'the ECS cluster name or ARN' }).min(1),
    services: z
      .array(z.object({ name: z.string().min(1, 'services[].name: the ECS service name'), desiredCount: z.number().int('desiredCount must be a whole number').min(0) }).strict(), {
        error: 'expected a list of {name, desiredCount}',
      })
      .min(1, 'services must list at least one service'),
    steadyTimeoutMinutes: z.number().positive().default(15),
  })
  .strict()

export type EcsServiceParams = z.infer<typeof ecsServiceParams>
type ServiceState = { desiredCount: number }

export class ServiceNotFound extends StepError {}
export class ServiceUpdateFailed extends StepError {}
export class ServiceNotSteady extends StepError {}

const serviceKey = (cluster: string, service: string) => `ecs-service:${clusterName(cluster)}:${service}`
const serviceOf = (key: string) => key.slice(key.indexOf(':', 'ecs-service:'.length) + 1)

async function describe(ctx: StepContext, cluster: string, names: string[]): Promise<Map<string, Service>> {
  const out = new Map<string, Service>()
  for (let i = 0; i < names.length; i += 10) {
    const res = await ctx.aws.ecs.describeServices({ cluster, services: names.slice(i, i + 10) })
    for (const s of res.services ?? []) if (s.status !== 'INACTIVE') out.set(s.serviceName!, s)
  }
  return out
}

function steady(s: Service | undefined, desired: number): boolean {
  if (!s || s.desiredCount !== desired || s.runningCount !== desired) return false
  const deployments = s.deployments ?? []
  return deployments.length <= 1 && deployments.every((d) => d.rolloutState === undefined || d.rolloutState === 'COMPLETED')
}

export const ecsService: StepType<EcsServiceParams> = {
  type: TYPE,
  description:
    'Set the desired count of ECS services (e.g. scale a cron worker to 0) and wait until each is steady: running count ' +
    'equal to the desired count and one completed deployment. Rollback restores the previous counts.',
  params: ecsServiceParams,

  async observe(ctx: StepContext, p: EcsServiceParams, keys?: string[]): Promise<Observed> {
    const names = keys ? keys.map(serviceOf) : p.services.map((s) => s.name)
    const found = await describe(ctx, p.cluster, names)
    const out: Observed = {}
    for (const name of names) {
      const s = found.get(name)
      if (!s && !keys) throw new ServiceNotFound(TYPE, 'observe', `no active service ${name} in cluster ${p.cluster}`, 'Fix the service name or the cluster')
      out[serviceKey(p.cluster, name)] = s ? ({ desiredCount: s.desiredCount ?? 0 } satisfies ServiceState) : null
    }
    return out
  },

  diff(p: EcsServiceParams, now: Observed): Change[] {
    return p.services.flatMap((s) => {
      const key = serviceKey(p.cluster, s.name)
      const before = now[key] as ServiceState | null
      if (!before || before.desiredCount === s.desiredCount) return []
      return [{ key, before, after: { desiredCount: s.desiredCount }, summary: `service ${s.name}: desiredCount ${before.desiredCount} -> ${s.desiredCount}` }]
    })
  },

  apply: (ctx, p, changes) => scale(ctx, p, changes, 'apply'),
  applyRestore: (ctx, p, changes) => scale(ctx, p, changes, 'restore'),
  inverse: (p) => ({ type: TYPE, with: p }),
}

async function scale(ctx: ApplyContext, p: EcsServiceParams, changes: Change[], phase: 'apply' | 'restore'): Promise<void> {
  const targets = new Map<string, number>()
  for (const c of changes) {
    const after = c.after as ServiceState | null
    const name = serviceOf(c.key)
    if (!after) throw new ServiceUpdateFailed(TYPE, phase, `service ${name} would have to be deleted, which this step never does`, 'Restore it by hand, then roll back with --force')
    try {
      await ctx.aws.ecs.updateService({ cluster: p.cluster, service: name, desiredCount: after.desiredCount })
    } catch (e) {
      throw new ServiceUpdateFailed(TYPE, phase, `setting desiredCount of ${name} to ${after.desiredCount} failed: ${messageOf(e)}`, 'Fix the cause and run again, or roll back', e)
    }
    await ctx.applied([c.key])
    targets.set(name, after.desiredCount)
  }
  const deadline = ctx.clock.now() + p.steadyTimeoutMinutes * 60_000
  for (;;) {
    const found = await describe(ctx, p.cluster, [...targets.keys()])
    const waiting = [...targets].filter(([name, n]) => !steady(found.get(name), n)).map(([name]) => name)
    if (waiting.length === 0) return
    if (ctx.clock.now() >= deadline) {
      throw new ServiceNotSteady(TYPE, phase, `not steady after ${p.steadyTimeoutMinutes} min: ${waiting.join(', ')}`,
        'The new counts are set; check the services events (aws ecs describe-services), then run again or roll back')
    }
    await ctx.wait(5000, `ECS services steady: ${waiting.join(', ')}`)
  }
}
