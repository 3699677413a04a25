/**
 * The ECS client class, behind its own module: imported only when a step first calls ECS
 * (a static re-export, so a bundled build keeps the package's named exports).
 */
export { ECS as Client } from '@aws-sdk/client-ecs'
