/**
 * The EventBridge client class, behind its own module: imported only when a step first calls EventBridge
 * (a static re-export, so a bundled build keeps the package's named exports).
 */
export { EventBridge as Client } from '@aws-sdk/client-eventbridge'
