/**
 * A Scheduler schedule between the estate (dates as ISO strings, defaults left out) and the
 * wire (REST-JSON: dates as epoch seconds, defaults filled in as GetSchedule shows them), and
 * UpdateSchedule's replace-everything rule: the request is the whole new definition, and
 * whatever it leaves out is gone or back at its system default.
 */
import { AwsApiError, epochSeconds } from '../aws-json.js'
import type { Schedule } from '../estate.js'
import { assertTimezone, parseScheduleExpression } from '../schedule-expr.js'

/** System defaults, as GetSchedule reports them for a schedule created without the field. */
export const SCHEDULE_DEFAULTS = {
  ScheduleExpressionTimezone: 'UTC',
  ActionAfterCompletion: 'NONE',
  RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
} as const

/** GetSchedule's output for a stored schedule. */
export function wireSchedule(s: Schedule): Record<string, unknown> {
  return {
    Arn: s.Arn,
    GroupName: s.GroupName,
    Name: s.Name,
    ScheduleExpression: s.ScheduleExpression,
    StartDate: epochSeconds(s.StartDate),
    EndDate: epochSeconds(s.EndDate),
    Description: s.Description,
    ScheduleExpressionTimezone: s.ScheduleExpressionTimezone ?? SCHEDULE_DEFAULTS.ScheduleExpressionTimezone,
    State: s.State,
    CreationDate: epochSeconds(s.CreationDate),
    LastModificationDate: epochSeconds(s.LastModificationDate),
    KmsKeyArn: s.KmsKeyArn,
    Target: { ...s.Target, RetryPolicy: s.Target.RetryPolicy ?? SCHEDULE_DEFAULTS.RetryPolicy },
    FlexibleTimeWindow: s.FlexibleTimeWindow,
    ActionAfterCompletion: s.ActionAfterCompletion ?? SCHEDULE_DEFAULTS.ActionAfterCompletion,
  }
}

/** ListSchedules' summary of a stored schedule. */
export function wireSummary(s: Schedule): Record<string, unknown> {
  return {
    Arn: s.Arn,
    Name: s.Name,
    GroupName: s.GroupName,
    State: s.State,
    CreationDate: epochSeconds(s.CreationDate),
    LastModificationDate: epochSeconds(s.LastModificationDate),
    Target: { Arn: s.Target.Arn },
  }
}

type Body = Record<string, unknown>

const invalid = (message: string) => new AwsApiError('ValidationException', message)
const missing = (member: string) => invalid(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`)
const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The schedule UpdateSchedule leaves behind: everything from `body`, nothing kept from `prev`
 * but its identity (Name, GroupName, Arn) and CreationDate. Throws ValidationException as the
 * service does for a missing ScheduleExpression, FlexibleTimeWindow or Target, or a bad value.
 */
export function replaceSchedule(prev: Schedule, body: Body, now: number): Schedule {
  const expression = body.ScheduleExpression
  if (typeof expression !== 'string' || expression === '') throw missing('scheduleExpression')
  const window = body.FlexibleTimeWindow
  if (!isObject(window)) throw missing('flexibleTimeWindow')
  const target = body.Target
  if (!isObject(target)) throw missing('target')
  validate(body, expression, window, target)

  const next: Schedule = {
    Name: prev.Name,
    GroupName: prev.GroupName,
    Arn: prev.Arn,
    ScheduleExpression: expression,
    State: (body.State as Schedule['State'] | undefined) ?? 'ENABLED',
    FlexibleTimeWindow: window as Schedule['FlexibleTimeWindow'],
    Target: { ...(target as Schedule['Target']) },
    CreationDate: prev.CreationDate,
    LastModificationDate: new Date(now).toISOString(),
  }
  if (typeof body.Description === 'string') next.Description = body.Description
  if (typeof body.KmsKeyArn === 'string') next.KmsKeyArn = body.KmsKeyArn
  if (typeof body.StartDate === 'number') next.StartDate = new Date(body.StartDate * 1000).toISOString()
  if (typeof body.EndDate === 'number') next.EndDate = new Date(body.EndDate * 1000).toISOString()
  // A default is stored only if the previous definition stored it, so a read-modify-write round
  // trip (GetSchedule, then UpdateSchedule with what it returned) leaves the estate unchanged.
  const tz = body.ScheduleExpressionTimezone ?? SCHEDULE_DEFAULTS.ScheduleExpressionTimezone
  if (tz !== SCHEDULE_DEFAULTS.ScheduleExpressionTimezone || prev.ScheduleExpressionTimezone !== undefined) {
    next.ScheduleExpressionTimezone = tz as string
  }
  const after = body.ActionAfterCompletion ?? SCHEDULE_DEFAULTS.ActionAfterCompletion
  if (after !== SCHEDULE_DEFAULTS.ActionAfterCompletion || prev.ActionAfterCompletion !== undefined) {
    next.ActionAfterCompletion = after as Schedule['ActionAfterCompletion']
  }
  const retry = (target.RetryPolicy as Body | undefined) ?? SCHEDULE_DEFAULTS.RetryPolicy
  const defaultRetry =
    retry.MaximumEventAgeInSeconds === SCHEDULE_DEFAULTS.RetryPolicy.MaximumEventAgeInSeconds &&
    retry.MaximumRetryAttempts === SCHEDULE_DEFAULTS.RetryPolicy.MaximumRetryAttempts &&
    Object.keys(retry).length === 2
  if (!defaultRetry || prev.Target.RetryPolicy !== undefined) next.Target.RetryPolicy = { ...retry }
  else delete next.Target.RetryPolicy
  return next
}

function validate(body: Body, expression: string, window: Body, target: Body): void {
  try {
    parseScheduleExpression(expression)
  } catch {
    throw invalid(`Invalid Schedule Expression ${expression}.`)
  }
  if (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE') throw invalid('FlexibleTimeWindow.Mode must be OFF or FLEXIBLE.')
  const minutes = window.MaximumWindowInMinutes
  if (window.Mode === 'FLEXIBLE' && (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1 || minutes > 1440)) {
    throw invalid('MaximumWindowInMinutes must be between 1 and 1440 when FlexibleTimeWindow.Mode is FLEXIBLE.')
  }
  if (typeof target.Arn !== 'string' || target.Arn === '') throw missing('target.arn')
  if (typeof target.RoleArn !== 'string' || target.RoleArn === '') throw missing('target.roleArn')
  const retry = target.RetryPolicy
  if (retry !== undefined) {
    if (!isObject(retry)) throw invalid('Target.RetryPolicy must be an object.')
    const age = retry.MaximumEventAgeInSeconds
    const attempts = retry.MaximumRetryAttempts
    if (age !== undefined && (typeof age !== 'number' || age < 60 || age > 86_400)) throw invalid('MaximumEventAgeInSeconds must be between 60 and 86400.')
    if (attempts !== undefined && (typeof attempts !== 'number' || attempts < 0 || attempts > 185)) throw invalid('MaximumRetryAttempts must be between 0 and 185.')
  }
  if (body.State !== undefined && body.State !== 'ENABLED' && body.State !== 'DISABLED') throw invalid('State must be ENABLED or DISABLED.')
  if (body.ActionAfterCompletion !== undefined && body.ActionAfterCompletion !== 'NONE' && body.ActionAfterCompletion !== 'DELETE') {
    throw invalid('ActionAfterCompletion must be NONE or DELETE.')
  }
  if (body.ScheduleExpressionTimezone !== undefined) {
    try {
      assertTimezone(String(body.ScheduleExpressionTimezone))
    } catch {
      throw invalid(`Invalid ScheduleExpressionTimezone ${String(body.ScheduleExpressionTimezone)}.`)
    }
  }
  if (typeof body.Description === 'string' && body.Description.length > 512) throw invalid('Description must be at most 512 characters.')
  for (const key of ['StartDate', 'EndDate']) {
    if (body[key] !== undefined && typeof body[key] !== 'number') throw invalid(`${key} must be a timestamp.`)
  }
  if (typeof body.StartDate === 'number' && typeof body.EndDate === 'number' && body.EndDate <= body.StartDate) {
    throw invalid('The EndDate you specify must be after the StartDate.')
  }
}
