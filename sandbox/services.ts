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
import { eventsHandler } from './events/handler.js'
import { schedulerHandler } from './scheduler/handler.js'
import { kubernetesControllers, kubernetesHandler } from './kubernetes/index.js'
import { cloudwatchHandler } from './cloudwatch/handler.js'
import { prometheusHandler } from './prometheus.js'

export const handlers: ServiceHandler[] = [
  route53Handler,
  ecsHandler,
  eventsHandler,
  schedulerHandler,
  cloudwatchHandler,
  // before Kubernetes, whose handler claims every path under /api
  prometheusHandler,
  kubernetesHandler,
  // route53Handler, ecsHandler, eventsHandler, schedulerHandler, kubernetesHandler
]

export const controllers: Controller[] = [
  route53Propagation,
  ecsLauncher,
  ecsDeployments,
  ...kubernetesControllers,
  // route53Propagation, ecsLauncher, ...kubernetesControllers
]
