/**
 * The Route 53 client, behind its own module: imported only when a step first calls Route 53.
 * Only the commands the steps call (runner/clients/sdk/aggregate.ts).
 */
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type Route53,
} from '@aws-sdk/client-route-53'
import { aggregate, type ClientOf } from './aggregate.js'

const commands = { ChangeResourceRecordSetsCommand, GetChangeCommand, GetHostedZoneCommand, ListHostedZonesByNameCommand, ListResourceRecordSetsCommand }
export type Api = ClientOf<Route53, typeof commands>
export const Client = aggregate<Api>(Route53Client, commands)
