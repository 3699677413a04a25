/**
 * The AWS clients a step receives. Types only: the SDK itself is imported lazily by
 * runner/clients/aws.ts, so loading a step file costs nothing at start-up.
 * Steps call the aggregated clients' methods, e.g. `ctx.aws.route53.listResourceRecordSets(...)`.
 */
import type { Route53 } from '@aws-sdk/client-route-53'
import type { ECS } from '@aws-sdk/client-ecs'
import type { EventBridge } from '@aws-sdk/client-eventbridge'
import type { Scheduler } from '@aws-sdk/client-scheduler'
import type { CloudWatch } from '@aws-sdk/client-cloudwatch'

export interface AwsClients {
  readonly route53: Route53
  readonly ecs: ECS
  readonly eventbridge: EventBridge
  readonly scheduler: Scheduler
  /** Read by gates (DescribeAlarms); built on first use, so steps that never gate on alarms never load it. */
  readonly cloudwatch: CloudWatch
}
