/**
 * ECS rollouts on the sandbox clock: {@link ECS_STEADY_DELAY_MS} after an UpdateService the
 * service is steady. Its running count equals the desired count, the primary deployment is
 * COMPLETED and the replaced deployment is gone, which is what "wait until the service is
 * stable" (the SDK's waiter, or a step polling DescribeServices) looks for.
 */
import type { EcsService } from '../estate.js'
import type { Controller, SandboxCore } from '../types.js'
import { ECS_STEADY_DELAY_MS, type EcsDeployment } from './model.js'

function steadyAt(service: EcsService): number | null {
  const deployments = (service.deployments ?? []) as EcsDeployment[]
  const primary = deployments.find((d) => d.status === 'PRIMARY')
  if (!primary || primary.rolloutState !== 'IN_PROGRESS') return null
  return Date.parse(primary.updatedAt) + ECS_STEADY_DELAY_MS
}

function* services(sb: SandboxCore): Generator<EcsService> {
  for (const cluster of sb.estate.ecs.clusters) yield* cluster.services
}

export const ecsDeployments: Controller = {
  name: 'ecs-deployments',

  nextEventAfter(after, sb) {
    let next: number | null = null
    for (const service of services(sb)) {
      const at = steadyAt(service)
      // A rollout overdue in a loaded estate completes at the next instant.
      if (at !== null) next = Math.min(next ?? Infinity, Math.max(at, after + 1))
    }
    return next
  },

  runAt(t, sb) {
    const now = new Date(t).toISOString()
    for (const service of services(sb)) {
      const at = steadyAt(service)
      if (at === null || at > t) continue
      const deployments = service.deployments as EcsDeployment[]
      const primary = deployments.find((d) => d.status === 'PRIMARY') as EcsDeployment
      service.deployments = [
        {
          ...primary,
          runningCount: primary.desiredCount,
          pendingCount: 0,
          rolloutState: 'COMPLETED',
          rolloutStateReason: `ECS deployment ${primary.id} completed.`,
          updatedAt: now,
        },
      ]
      service.runningCount = service.desiredCount
      service.pendingCount = 0
    }
  },
}
