/**
 * The Scheduler client class, behind its own module: imported only when a step first calls Scheduler
 * (a static re-export, so a bundled build keeps the package's named exports).
 */
export { Scheduler as Client } from '@aws-sdk/client-scheduler'
