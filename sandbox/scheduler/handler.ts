/**
 * Amazon EventBridge Scheduler over REST-JSON: `GET /schedules` (ListSchedules), `GET
 * /schedules/{Name}?groupName=` (GetSchedule), `PUT /schedules/{Name}` (UpdateSchedule, which
 * replaces the whole definition), `GET /schedule-groups` and `GET /schedule-groups/{Name}`.
 * Errors carry `x-amzn-errortype` and a `{"Message": ...}` body, with the service's statuses:
 * ValidationException 400, ResourceNotFoundException 404, ConflictException 409,
 * ThrottlingException 429, InternalServerException 500.
 */
import { randomUUID } from 'node:crypto'
import { AwsApiError, epochSeconds } from '../aws-json.js'
import type { Schedule } from '../estate.js'
import { pageOf, pageSize } from '../paging.js'
import type { InjectedError, Operation, SandboxCore, SandboxRequest, SandboxResponse, ServiceHandler } from '../types.js'
import { replaceSchedule, wireSchedule, wireSummary } from './definition.js'

type Route = { op: string; name?: string }

function route(req: SandboxRequest): Route | null {
  const m = /^\/(schedules|schedule-groups)(?:\/([^/]+))?\/?$/.exec(req.url.pathname)
  if (!m) return null
  const name = m[2] === undefined ? undefined : decodeURIComponent(m[2])
  const groups = m[1] === 'schedule-groups'
  if (req.method === 'GET') {
    if (groups) return { op: name === undefined ? 'ListScheduleGroups' : 'GetScheduleGroup', name }
    return { op: name === undefined ? 'ListSchedules' : 'GetSchedule', name }
  }
  if (groups || name === undefined) return null
  return req.method === 'PUT' ? { op: 'UpdateSchedule', name } : null
}

const MUTATING = new Set(['UpdateSchedule'])

export const schedulerHandler: ServiceHandler = {
  service: 'scheduler',

  matches: (req) => /^\/(schedules|schedule-groups)(\/|$)/.test(req.url.pathname),

  identify(req) {
    const r = route(req)
    return r === null ? null : { name: r.op, mutating: MUTATING.has(r.op) }
  },

  handle(req, op, sb) {
    try {
      return restJson(200, serve(req, op, sb))
    } catch (err) {
      if (err instanceof AwsApiError) return restJsonError(err.code, err.message, err.status)
      throw err
    }
  },

  errorFor: (error, op) => schedulerFault(error, op),
}

function serve(req: SandboxRequest, op: Operation, sb: SandboxCore): unknown {
  const q = req.url.searchParams
  const name = route(req)?.name ?? ''
  switch (op.name) {
    case 'ListSchedules': {
      const group = q.get('ScheduleGroup')
      if (group !== null) requireGroup(sb, group)
      const prefix = q.get('NamePrefix') ?? ''
      const state = q.get('State')
      if (state !== null && state !== 'ENABLED' && state !== 'DISABLED') throw invalid('State must be ENABLED or DISABLED.')
      const schedules = sb.estate.scheduler.schedules
        .filter((s) => (group === null || s.GroupName === group) && s.Name.startsWith(prefix) && (state === null || s.State === state))
        .sort((a, b) => compare(a.GroupName, b.GroupName) || compare(a.Name, b.Name))
      const max = pageSize(numberParam(q.get('MaxResults')), 100, 100, invalid)
      const page = pageOf(schedules, q.get('NextToken') ?? undefined, max, () => invalid('The NextToken provided is invalid.'))
      return { Schedules: page.items.map(wireSummary), NextToken: page.nextToken }
    }
    case 'GetSchedule':
      return wireSchedule(requireSchedule(sb, name, q.get('groupName') ?? 'default'))
    case 'UpdateSchedule': {
      const body = readBody(req)
      const group = typeof body.GroupName === 'string' ? body.GroupName : 'default'
      const prev = requireSchedule(sb, name, group)
      const next = replaceSchedule(prev, body, sb.time.now())
      const list = sb.estate.scheduler.schedules
      list[list.indexOf(prev)] = next
      return { ScheduleArn: next.Arn }
    }
    case 'ListScheduleGroups': {
      const prefix = q.get('NamePrefix') ?? ''
      const groups = groupNames(sb).filter((g) => g.startsWith(prefix))
      const page = pageOf(groups, q.get('NextToken') ?? undefined, pageSize(numberParam(q.get('MaxResults')), 100, 100, invalid), () => invalid('The NextToken provided is invalid.'))
      return { ScheduleGroups: page.items.map((g) => wireGroup(sb, g)), NextToken: page.nextToken }
    }
    case 'GetScheduleGroup':
      requireGroup(sb, name)
      return wireGroup(sb, name)
    default:
      throw invalid(`The sandbox does not serve Scheduler ${op.name}.`)
  }
}

const invalid = (message: string) => new AwsApiError('ValidationException', message)
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

function numberParam(value: string | null): unknown {
  return value === null ? undefined : Number(value)
}

function readBody(req: SandboxRequest): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(req.body.toString('utf8') || '{}')
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // answered below
  }
  throw invalid('The request body is not a JSON object.')
}

function groupNames(sb: SandboxCore): string[] {
  return [...new Set(['default', ...sb.estate.scheduler.groups, ...sb.estate.scheduler.schedules.map((s) => s.GroupName)])].sort()
}

function requireGroup(sb: SandboxCore, group: string): void {
  if (!groupNames(sb).includes(group)) throw new AwsApiError('ResourceNotFoundException', `Schedule group ${group} does not exist.`, 404)
}

function requireSchedule(sb: SandboxCore, name: string, group: string): Schedule {
  requireGroup(sb, group)
  const found = sb.estate.scheduler.schedules.find((s) => s.Name === name && s.GroupName === group)
  if (!found) throw new AwsApiError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404)
  return found
}

/** Groups carry no dates in the estate; a fixed instant stands in for their creation. */
const GROUP_CREATED = epochSeconds('2025-01-06T00:00:00Z')

function wireGroup(sb: SandboxCore, name: string): Record<string, unknown> {
  return {
    Arn: `arn:aws:scheduler:${sb.estate.region}:${sb.estate.account}:schedule-group/${name}`,
    Name: name,
    State: 'ACTIVE',
    CreationDate: GROUP_CREATED,
    LastModificationDate: GROUP_CREATED,
  }
}

function restJson(status: number, body: unknown): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify(body ?? {}),
  }
}

function restJsonError(code: string, message: string, status: number): SandboxResponse {
  const res = restJson(status, { Message: message })
  return { ...res, headers: { ...res.headers, 'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/com.amazonaws.scheduler/` } }
}

function schedulerFault(error: InjectedError, op: Operation): SandboxResponse {
  switch (error) {
    case 'Throttling':
    case 'PriorRequestNotComplete':
      return restJsonError('ThrottlingException', 'Rate exceeded.', 429)
    case 'Conflict':
      return restJsonError('ConflictException', `${op.name}: the schedule was modified by another request.`, 409)
    case 'InternalError':
    case 'Timeout':
      return restJsonError('InternalServerException', 'Unexpected error occurred while processing the request.', 500)
  }
}
