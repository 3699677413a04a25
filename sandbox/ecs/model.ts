/**
 * How the sandbox finds ECS clusters, services and task definitions in the estate, and the
 * deployment record it keeps on a service (`EcsService.deployments`).
 */
import { createHash } from 'node:crypto'
import { AwsApiError } from '../aws-json.js'
import type { EcsCluster, EcsService, Estate } from '../estate.js'

/** Virtual ms from an UpdateService to the service being steady (running = desired). */
export const ECS_STEADY_DELAY_MS = 30_000

/** A deployment as stored on a service (dates ISO); the wire shape converts the dates. */
export type EcsDeployment = {
  id: string
  status: 'PRIMARY' | 'ACTIVE'
  taskDefinition: string
  desiredCount: number
  pendingCount: number
  runningCount: number
  failedTasks: number
  launchType?: string
  rolloutState: 'COMPLETED' | 'IN_PROGRESS'
  rolloutStateReason: string
  createdAt: string
  updatedAt: string
}

export function clusterArn(estate: Estate, name: string): string {
  return `arn:aws:ecs:${estate.region}:${estate.account}:cluster/${name}`
}

export function serviceArn(estate: Estate, cluster: string, name: string): string {
  return `arn:aws:ecs:${estate.region}:${estate.account}:service/${cluster}/${name}`
}

/** The last path segment of an ARN, or the identifier itself when it is a bare name. */
export function nameOf(identifier: string): string {
  return identifier.startsWith('arn:') ? identifier.slice(identifier.lastIndexOf('/') + 1) : identifier
}

export function findCluster(estate: Estate, identifier: string | undefined): EcsCluster | undefined {
  const id = identifier ?? 'default'
  return estate.ecs.clusters.find((c) => c.clusterArn === id || c.clusterName === id)
}

/** The cluster, or ClusterNotFoundException as ECS answers it. */
export function requireCluster(estate: Estate, identifier: unknown): EcsCluster {
  if (identifier !== undefined && typeof identifier !== 'string') {
    throw new AwsApiError('InvalidParameterException', 'cluster must be a string.')
  }
  const cluster = findCluster(estate, identifier)
  if (!cluster) throw new AwsApiError('ClusterNotFoundException', 'Cluster not found.')
  return cluster
}

export function findService(cluster: EcsCluster, identifier: string): EcsService | undefined {
  return cluster.services.find((s) => s.serviceArn === identifier || s.serviceName === identifier)
}

/** The primary deployment, created from the service's counts when the estate has none. */
export function primaryDeployment(service: EcsService, at: string): EcsDeployment {
  const stored = (service.deployments ?? []) as EcsDeployment[]
  const primary = stored.find((d) => d.status === 'PRIMARY')
  if (primary) return primary
  const id = deploymentId(service.serviceArn, service.taskDefinition)
  return {
    id,
    status: 'PRIMARY',
    taskDefinition: service.taskDefinition,
    desiredCount: service.desiredCount,
    pendingCount: service.pendingCount,
    runningCount: service.runningCount,
    failedTasks: 0,
    ...(service.launchType ? { launchType: service.launchType } : {}),
    rolloutState: service.runningCount === service.desiredCount ? 'COMPLETED' : 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment ${id} completed.`,
    createdAt: at,
    updatedAt: at,
  }
}

/** Deterministic `ecs-svc/<19 digits>` id, like the real ones. */
export function deploymentId(...parts: string[]): string {
  const digits = BigInt('0x' + hash(parts.join('|')).slice(0, 15)).toString().padStart(19, '0').slice(-19)
  return `ecs-svc/${digits}`
}

/** Deterministic 32-hex task id for the i-th running task of a service. */
export function taskId(service: EcsService, i: number): string {
  return hash(`${service.serviceArn}#${i}`).slice(0, 32)
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** Every task definition ARN the estate mentions (services, rule and schedule targets). */
export function knownTaskDefinitions(estate: Estate): string[] {
  const arns = new Set<string>()
  for (const c of estate.ecs.clusters) for (const s of c.services) arns.add(s.taskDefinition)
  for (const r of estate.events.rules) for (const t of r.Targets) if (t.EcsParameters) arns.add(t.EcsParameters.TaskDefinitionArn)
  for (const s of estate.scheduler.schedules) if (s.Target.EcsParameters) arns.add(s.Target.EcsParameters.TaskDefinitionArn)
  return [...arns].filter((a) => /:task-definition\/[^:]+:\d+$/.test(a)).sort()
}
