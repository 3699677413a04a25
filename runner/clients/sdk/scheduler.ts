/**
 * The EventBridge Scheduler client, behind its own module: imported only when a step first calls
 * Scheduler. Only the commands the steps call (runner/clients/sdk/aggregate.ts).
 */
import { GetScheduleCommand, ListSchedulesCommand, SchedulerClient, UpdateScheduleCommand, type Scheduler } from '@aws-sdk/client-scheduler'
import { aggregate, type ClientOf } from './aggregate.js'

const commands = { GetScheduleCommand, ListSchedulesCommand, UpdateScheduleCommand }
export type Api = ClientOf<Scheduler, typeof commands>
export const Client = aggregate<Api>(SchedulerClient, commands)
