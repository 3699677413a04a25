/** The sandbox's Kubernetes API server and the controllers that run on its virtual clock. */
import type { Controller } from '../types.js'
import { cronJobController } from './cronjob-controller.js'
import { deploymentController } from './deployment-controller.js'
import { jobController } from './jobs.js'

export { kubernetesHandler } from './handler.js'
export { JOB_RUN_MS } from './jobs.js'
export { SYNC_MS, SCHEDULED_TIMESTAMP_ANNOTATION } from './cronjob-controller.js'

/** Jobs complete before CronJobs sync at the same instant, so Forbid sees the finished Job. */
export const kubernetesControllers: Controller[] = [deploymentController, jobController, cronJobController]
