/**
 * The EventBridge client, behind its own module: imported only when a step first calls
 * EventBridge. Only the commands the steps call (runner/clients/sdk/aggregate.ts).
 */
import { DescribeRuleCommand, DisableRuleCommand, EnableRuleCommand, EventBridgeClient, ListRuleNamesByTargetCommand, type EventBridge } from '@aws-sdk/client-eventbridge'
import { aggregate, type ClientOf } from './aggregate.js'

const commands = { DescribeRuleCommand, DisableRuleCommand, EnableRuleCommand, ListRuleNamesByTargetCommand }
export type Api = ClientOf<EventBridge, typeof commands>
export const Client = aggregate<Api>(EventBridgeClient, commands)
