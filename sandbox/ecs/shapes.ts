/**
 * ECS objects as the API sends them (JSON 1.1: dates as epoch seconds), built from the estate.
 * Shapes follow the DescribeClusters / DescribeServices / DescribeTaskDefinition references; the
 * fields the sandbox does not model get the values a plain Fargate service has.
 */
import { epochSeconds } from '../aws-json.js'
import type { EcsCluster, EcsService, Estate } from '../estate.js'
import { primaryDeployment, type EcsDeployment } from './model.js'

export function wireCluster(cluster: EcsCluster): Record<string, unknown> {
  const active = cluster.services.filter((s) => s.status === 'ACTIVE')
  return {
    clusterArn: cluster.clusterArn,
    clusterName: cluster.clusterName,
    status: cluster.status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: active.reduce((n, s) => n + s.runningCount, 0),
    pendingTasksCount: active.reduce((n, s) => n + s.pendingCount, 0),
    activeServicesCount: active.length,
    statistics: [],
    tags: [],
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [],
  }
}

/** Estate keys that hold dates as ISO strings and go out as epoch seconds. */
const DATE_KEYS = ['createdAt', 'updatedAt']

export function wireService(service: EcsService, now: string): Record<string, unknown> {
  const extra: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(service)) {
    if (k === 'deployments') continue
    extra[k] = DATE_KEYS.includes(k) && typeof v === 'string' ? epochSeconds(v) : v
  }
  const stored = (service.deployments ?? []) as EcsDeployment[]
  const deployments = stored.length > 0 ? stored : [primaryDeployment(service, now)]
  return {
    loadBalancers: [],
    serviceRegistries: [],
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    platformFamily: 'Linux',
    schedulingStrategy: 'REPLICA',
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: false, rollback: false },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    deploymentController: { type: 'ECS' },
    placementConstraints: [],
    placementStrategy: [],
    events: [],
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
    ...extra,
    deployments: deployments.map(wireDeployment),
  }
}

function wireDeployment(d: EcsDeployment): Record<string, unknown> {
  return { ...d, createdAt: epochSeconds(d.createdAt), updatedAt: epochSeconds(d.updatedAt) }
}

/** A plausible Fargate task definition for an ARN `...:task-definition/<family>:<revision>`. */
export function wireTaskDefinition(estate: Estate, arn: string): Record<string, unknown> {
  const [family, revision] = arn.slice(arn.lastIndexOf('/') + 1).split(':') as [string, string]
  return {
    taskDefinitionArn: arn,
    family,
    revision: Number(revision),
    containerDefinitions: [
      {
        name: family,
        image: `${estate.account}.dkr.ecr.${estate.region}.amazonaws.com/${family}:latest`,
        cpu: 0,
        essential: true,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
        environment: [],
        mountPoints: [],
        volumesFrom: [],
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': `/ecs/${family}`, 'awslogs-region': estate.region, 'awslogs-stream-prefix': 'ecs' },
        },
      },
    ],
    executionRoleArn: `arn:aws:iam::${estate.account}:role/ecsTaskExecutionRole`,
    networkMode: 'awsvpc',
    volumes: [],
    status: 'ACTIVE',
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
    placementConstraints: [],
    compatibilities: ['EC2', 'FARGATE'],
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    // A fixed instant: the estate does not record when its task definitions were registered.
    registeredAt: epochSeconds('2025-01-06T00:00:00Z'),
    registeredBy: `arn:aws:iam::${estate.account}:root`,
  }
}
