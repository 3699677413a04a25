/**
 * The explicit list of the sandbox's protocol handlers and clock-driven controllers.
 * The server (sandbox/server.ts) routes each request to the first handler that matches it.
 */
import type { Controller, ServiceHandler } from './types.js'

export const handlers: ServiceHandler[] = [
  // route53Handler, ecsHandler, eventsHandler, schedulerHandler, kubernetesHandler
]

export const controllers: Controller[] = [
  // route53Propagation, ecsLauncher, ...kubernetesControllers
]
