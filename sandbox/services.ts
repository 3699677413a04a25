/**
 * The explicit list of the sandbox's protocol handlers and clock-driven controllers.
 * The server (sandbox/server.ts) routes each request to the first handler that matches it.
 */
import type { Controller, ServiceHandler } from './types.js'
import { route53Handler } from './route53/handler.js'
import { route53Propagation } from './route53/propagation.js'
import { ecsHandler } from './ecs/handler.js'
import { ecsDeployments } from './ecs/deployments.js'
import { ecsLauncher } from './ecs/launcher.js'
import { acrossViews, clusterViews, regionViews } from './scopes.js'
import { eventsHandler } from './events/handler.js'
import { schedulerHandler } from './scheduler/handler.js'
import { kubernetesControllers, kubernetesHandler } from './kubernetes/index.js'
import { s3Handler } from './s3/handler.js'
import { cloudwatchHandler } from './cloudwatch/handler.js'
import { stsHandler } from './sts/handler.js'
import { prometheusHandler } from './prometheus.js'

export const handlers: ServiceHandler[] = [
  // First: told apart by its SigV4 scope or Host, whatever the path (a bucket may be called `api`).
  s3Handler,
  route53Handler,
  ecsHandler,
  eventsHandler,
  schedulerHandler,
  cloudwatchHandler,
  stsHandler,
  // before Kubernetes, whose handler claims every path under /api
  prometheusHandler,
  kubernetesHandler,
  // route53Handler, ecsHandler, eventsHandler, schedulerHandler, kubernetesHandler
]

// Route 53 is global; the ECS ones run in every region, the Kubernetes ones in every cluster.
export const controllers: Controller[] = [
  route53Propagation,
  acrossViews(ecsLauncher, regionViews),
  acrossViews(ecsDeployments, regionViews),
  ...kubernetesControllers.map((c) => acrossViews(c, clusterViews)),
  // route53Propagation, ecsLauncher, ...kubernetesControllers
]
