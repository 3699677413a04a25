/**
 * The STS client and AssumeRole, behind their own module: imported only when a target names a
 * role to assume (a static re-export, so a bundled build keeps the package's named exports).
 */
export { STSClient as Client, AssumeRoleCommand } from '@aws-sdk/client-sts'
