/**
 * The ECS operations the sandbox serves, against `sb.estate`. Each takes the decoded JSON input
 * and returns the JSON output, or throws {@link AwsApiError} with ECS's error code and message.
 */
import { AwsApiError } from '../aws-json.js'
import type { EcsService } from '../estate.js'
import { pageOf, pageSize } from '../paging.js'
import type { SandboxCore } from '../types.js'
import { wireCluster, wireService, wireTaskDefinition } from './shapes.js'
import {
  clusterArn,
  deploymentId,
  findCluster,
  findService,
  knownTaskDefinitions,
  nameOf,
  primaryDeployment,
  requireCluster,
  serviceArn,
  taskId,
  type EcsDeployment,
} from './model.js'

type Input = Record<string, unknown>
type Operation = (input: Input, sb: SandboxCore) => unknown

const invalid = (message: string) => new AwsApiError('InvalidParameterException', message)
const badToken = () => invalid('Invalid nextToken.')
const nowIso = (sb: SandboxCore) => new Date(sb.time.now()).toISOString()

function stringList(value: unknown, what: string): string[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid(`${what} must be a list of strings.`)
  return value as string[]
}

function requiredString(input: Input, key: string): string {
  const value = input[key]
  if (typeof value !== 'string' || value === '') throw invalid(`${key} can not be blank.`)
  return value
}

export const ecsOperations: Record<string, Operation> = {
  ListClusters(input, sb) {
    const arns = sb.estate.ecs.clusters.map((c) => c.clusterArn).sort()
    const page = pageOf(arns, input.nextToken, pageSize(input.maxResults, 100, 100, invalid), badToken)
    return { clusterArns: page.items, nextToken: page.nextToken }
  },

  DescribeClusters(input, sb) {
    const ids = stringList(input.clusters, 'clusters') ?? ['default']
    if (ids.length > 100) throw invalid('clusters can have at most 100 items.')
    const clusters = []
    const failures = []
    for (const id of ids) {
      const c = findCluster(sb.estate, id)
      if (c) clusters.push(wireCluster(c))
      else failures.push({ arn: id.startsWith('arn:') ? id : clusterArn(sb.estate, id), reason: 'MISSING' })
    }
    return { clusters, failures }
  },

  ListServices(input, sb) {
    const cluster = requireCluster(sb.estate, input.cluster)
    const arns = cluster.services
      .filter((s) => s.status !== 'INACTIVE')
      .filter((s) => input.launchType === undefined || (s.launchType ?? 'FARGATE') === input.launchType)
      .map((s) => s.serviceArn)
    const page = pageOf(arns, input.nextToken, pageSize(input.maxResults, 10, 100, invalid), badToken)
    return { serviceArns: page.items, nextToken: page.nextToken }
  },

  DescribeServices(input, sb) {
    const cluster = requireCluster(sb.estate, input.cluster)
    const ids = stringList(input.services, 'services')
    if (!ids || ids.length === 0) throw invalid('Services cannot be empty.')
    if (ids.length > 10) throw invalid('Services cannot have more than 10 items.')
    const services = []
    const failures = []
    for (const id of ids) {
      const s = findService(cluster, id)
      if (s) services.push(wireService(s, nowIso(sb)))
      else failures.push({ arn: id.startsWith('arn:') ? id : serviceArn(sb.estate, cluster.clusterName, id), reason: 'MISSING' })
    }
    return { services, failures }
  },

  UpdateService(input, sb) {
    const cluster = requireCluster(sb.estate, input.cluster)
    const service = findService(cluster, requiredString(input, 'service'))
    if (!service) throw new AwsApiError('ServiceNotFoundException', 'Service not found.')
    if (service.status !== 'ACTIVE') throw new AwsApiError('ServiceNotActiveException', 'Service was not ACTIVE.')
    const desired = input.desiredCount
    if (desired !== undefined && (typeof desired !== 'number' || !Number.isInteger(desired) || desired < 0)) {
      throw invalid('desiredCount must be a non-negative integer.')
    }
    const taskDefinition = input.taskDefinition
    if (taskDefinition !== undefined && (typeof taskDefinition !== 'string' || !knownTaskDefinitions(sb.estate).includes(taskDefinition))) {
      throw new AwsApiError('ClientException', 'TaskDefinition not found.')
    }
    updateService(service, { desiredCount: desired, taskDefinition, force: input.forceNewDeployment === true }, nowIso(sb))
    return { service: wireService(service, nowIso(sb)) }
  },

  ListTasks(input, sb) {
    const cluster = requireCluster(sb.estate, input.cluster)
    let services = cluster.services.filter((s) => s.status === 'ACTIVE')
    if (input.serviceName !== undefined) {
      const s = typeof input.serviceName === 'string' ? findService(cluster, input.serviceName) : undefined
      if (!s) throw new AwsApiError('ServiceNotFoundException', 'Service not found.')
      services = [s]
    }
    if (typeof input.family === 'string') services = services.filter((s) => family(s.taskDefinition) === input.family)
    const arns = input.desiredStatus === 'STOPPED' || input.desiredStatus === 'PENDING'
      ? []
      : services.flatMap((s) => Array.from({ length: s.runningCount }, (_, i) => `arn:aws:ecs:${sb.estate.region}:${sb.estate.account}:task/${cluster.clusterName}/${taskId(s, i)}`))
    const page = pageOf(arns.sort(), input.nextToken, pageSize(input.maxResults, 100, 100, invalid), badToken)
    return { taskArns: page.items, nextToken: page.nextToken }
  },

  DescribeTaskDefinition(input, sb) {
    const id = requiredString(input, 'taskDefinition')
    const known = knownTaskDefinitions(sb.estate)
    const match = id.startsWith('arn:')
      ? known.find((a) => a === id)
      : id.includes(':')
        ? known.find((a) => nameOf(a) === id)
        : known.filter((a) => family(a) === id).sort((a, b) => revision(a) - revision(b)).pop()
    if (!match) throw new AwsApiError('ClientException', 'Unable to describe task definition.')
    return { taskDefinition: wireTaskDefinition(sb.estate, match), tags: [] }
  },
}

function family(arn: string): string {
  return nameOf(arn).split(':')[0] as string
}

function revision(arn: string): number {
  return Number(nameOf(arn).split(':')[1])
}

/**
 * Changes a service as UpdateService does: a new task definition (or a forced deployment)
 * starts a new PRIMARY deployment and keeps the old one ACTIVE until steady; a new desired
 * count alone rescales the primary. Either way the rollout is IN_PROGRESS until the deployment
 * controller makes it steady. Nothing changes when nothing is asked.
 */
function updateService(service: EcsService, change: { desiredCount?: number; taskDefinition?: string; force: boolean }, now: string): void {
  const desired = change.desiredCount ?? service.desiredCount
  const newDefinition = change.taskDefinition !== undefined && change.taskDefinition !== service.taskDefinition
  if (desired === service.desiredCount && !newDefinition && !change.force) return
  const primary = primaryDeployment(service, now)
  let deployments: EcsDeployment[]
  if (newDefinition || change.force) {
    const taskDefinition = change.taskDefinition ?? service.taskDefinition
    const next: EcsDeployment = {
      ...primary,
      id: deploymentId(service.serviceArn, taskDefinition, now),
      taskDefinition,
      desiredCount: desired,
      runningCount: 0,
      pendingCount: desired,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: 'ECS deployment in progress.',
      createdAt: now,
      updatedAt: now,
    }
    deployments = [next, { ...primary, status: 'ACTIVE', updatedAt: now }]
    service.taskDefinition = taskDefinition
  } else {
    deployments = [{ ...primary, desiredCount: desired, pendingCount: Math.max(0, desired - primary.runningCount), rolloutState: 'IN_PROGRESS', rolloutStateReason: 'ECS deployment in progress.', updatedAt: now }]
  }
  service.deployments = deployments
  service.desiredCount = desired
  service.pendingCount = Math.max(0, desired - service.runningCount)
}
