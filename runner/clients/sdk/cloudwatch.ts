/**
 * The CloudWatch client class, behind its own module: imported only when a gate first reads
 * alarms (a static re-export, so a bundled build keeps the package's named exports).
 */
export { CloudWatch as Client } from '@aws-sdk/client-cloudwatch'
