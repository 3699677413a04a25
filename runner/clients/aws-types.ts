/**
 * The AWS clients a step receives. Types only: the SDK itself is imported lazily by
 * runner/clients/aws.ts, so loading a step file costs nothing at start-up.
 * Steps call the clients' methods, e.g. `ctx.aws.route53.listResourceRecordSets(...)`; each
 * client has the methods of the commands its module under runner/clients/sdk/ names.
 */
import type { Api as CloudWatchApi } from './sdk/cloudwatch.js'
import type { Api as EcsApi } from './sdk/ecs.js'
import type { Api as EventBridgeApi } from './sdk/eventbridge.js'
import type { Api as Route53Api } from './sdk/route53.js'
import type { Api as SchedulerApi } from './sdk/scheduler.js'

export interface AwsClients {
  readonly route53: Route53Api
  readonly ecs: EcsApi
  readonly eventbridge: EventBridgeApi
  readonly scheduler: SchedulerApi
  /** Read by gates (DescribeAlarms); built on first use, so steps that never gate on alarms never load it. */
  readonly cloudwatch: CloudWatchApi
}
