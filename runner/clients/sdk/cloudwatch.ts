/**
 * The CloudWatch client, behind its own module: imported the first time a gate reads alarms.
 * Only the command the gates call (runner/clients/sdk/aggregate.ts).
 */
import { CloudWatchClient, DescribeAlarmsCommand, type CloudWatch } from '@aws-sdk/client-cloudwatch'
import { aggregate, type ClientOf } from './aggregate.js'

const commands = { DescribeAlarmsCommand }
export type Api = ClientOf<CloudWatch, typeof commands>
export const Client = aggregate<Api>(CloudWatchClient, commands)
