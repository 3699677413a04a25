/**
 * The ECS client, behind its own module: imported only when a step first calls ECS. Only the
 * commands the steps call (runner/clients/sdk/aggregate.ts).
 */
import { DescribeClustersCommand, DescribeServicesCommand, ECSClient, UpdateServiceCommand, type ECS } from '@aws-sdk/client-ecs'
import { aggregate, type ClientOf } from './aggregate.js'

const commands = { DescribeClustersCommand, DescribeServicesCommand, UpdateServiceCommand }
export type Api = ClientOf<ECS, typeof commands>
export const Client = aggregate<Api>(ECSClient, commands)
