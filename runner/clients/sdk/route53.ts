/**
 * The Route53 client class, behind its own module: imported only when a step first calls Route53
 * (a static re-export, so a bundled build keeps the package's named exports).
 */
export { Route53 as Client } from '@aws-sdk/client-route-53'
