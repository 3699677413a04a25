/**
 * CloudWatch DescribeAlarms and SetAlarmState over the estate's alarms, independent of the wire
 * protocol (sandbox/cloudwatch/handler.ts serves both the query protocol and JSON 1.0).
 * Inputs are the operations' parameters as the JSON protocol names them.
 */
import type { Alarm, Estate } from '../estate.js'
import type { SandboxCore } from '../types.js'
import { AwsApiError } from '../aws-json.js'
import { pageOf } from '../paging.js'

export const STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const

export type DescribeAlarmsInput = {
  AlarmNames?: string[]
  AlarmNamePrefix?: string
  StateValue?: string
  AlarmTypes?: string[]
  MaxRecords?: number
  NextToken?: string
}

export type DescribeAlarmsOutput = { MetricAlarms: Alarm[]; CompositeAlarms: never[]; NextToken?: string }

export function alarmsOf(estate: Estate): Alarm[] {
  estate.cloudwatch ??= { alarms: [] }
  return estate.cloudwatch.alarms
}

const invalid = (message: string) => new AwsApiError('InvalidParameterValue', message)

/** Alarms in name order, filtered as the service filters them, one page at a time (at most 100). */
export function describeAlarms(sb: SandboxCore, input: DescribeAlarmsInput): DescribeAlarmsOutput {
  const { AlarmNames: names, AlarmNamePrefix: prefix, StateValue: state } = input
  if (names && names.length > 0 && prefix !== undefined) {
    throw new AwsApiError('InvalidParameterCombination', 'AlarmNamePrefix and AlarmNames cannot be used together.')
  }
  if (names && names.length > 100) throw invalid('The collection AlarmNames must not have a size greater than 100.')
  if (state !== undefined && !(STATES as readonly string[]).includes(state)) {
    throw new AwsApiError('ValidationError', `1 validation error detected: Value '${state}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]`)
  }
  const max = input.MaxRecords ?? 50
  if (!Number.isInteger(max) || max < 1 || max > 100) throw invalid('The parameter MaxRecords must be between 1 and 100.')
  // Composite alarms are not modelled: asking for them alone lists nothing.
  const metricWanted = !input.AlarmTypes || input.AlarmTypes.length === 0 || input.AlarmTypes.includes('MetricAlarm')
  const all = metricWanted ? [...alarmsOf(sb.estate)].sort((a, b) => (a.AlarmName < b.AlarmName ? -1 : a.AlarmName > b.AlarmName ? 1 : 0)) : []
  const matching = all.filter((a) =>
    (names && names.length > 0 ? names.includes(a.AlarmName) : true) &&
    (prefix !== undefined ? a.AlarmName.startsWith(prefix) : true) &&
    (state !== undefined ? a.StateValue === state : true))
  const page = pageOf(matching, input.NextToken, max, () => new AwsApiError('InvalidNextToken', 'The service cannot recognize the given NextToken.'))
  return { MetricAlarms: structuredClone(page.items), CompositeAlarms: [], ...(page.nextToken ? { NextToken: page.nextToken } : {}) }
}

export type SetAlarmStateInput = { AlarmName?: string; StateValue?: string; StateReason?: string; StateReasonData?: string }

/**
 * Sets an alarm's state until its next evaluation (the sandbox evaluates nothing, so it stays).
 * The state timestamps move only when the state changes, as on the service.
 */
export function setAlarmState(sb: SandboxCore, input: SetAlarmStateInput): Record<string, never> {
  const { AlarmName: name, StateValue: state, StateReason: reason } = input
  if (!name) throw new AwsApiError('MissingParameter', 'The request must contain the parameter AlarmName.')
  if (!state || !(STATES as readonly string[]).includes(state)) {
    throw new AwsApiError('ValidationError', `1 validation error detected: Value '${state ?? ''}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]`)
  }
  if (reason === undefined) throw new AwsApiError('MissingParameter', 'The request must contain the parameter StateReason.')
  if (reason.length > 1023) throw invalid('StateReason must be at most 1023 characters long.')
  if (input.StateReasonData !== undefined) {
    try {
      JSON.parse(input.StateReasonData)
    } catch {
      throw new AwsApiError('InvalidFormat', 'StateReasonData is not valid JSON.')
    }
  }
  const alarm = alarmsOf(sb.estate).find((a) => a.AlarmName === name)
  if (!alarm) throw new AwsApiError('ResourceNotFound', `Alarm ${name} not found`, 404)
  const now = new Date(sb.time.now()).toISOString()
  if (alarm.StateValue !== state) alarm.StateTransitionedTimestamp = now
  alarm.StateValue = state as Alarm['StateValue']
  alarm.StateReason = reason
  if (input.StateReasonData !== undefined) alarm.StateReasonData = input.StateReasonData
  else delete alarm.StateReasonData
  alarm.StateUpdatedTimestamp = now
  return {}
}
