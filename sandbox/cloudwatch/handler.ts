/**
 * Amazon CloudWatch on both of its wire protocols, over sandbox/cloudwatch/operations.ts:
 * - the query protocol (`POST /`, `application/x-www-form-urlencoded`,
 *   `Action=DescribeAlarms&Version=2010-08-01`, XML answers), which the AWS CLI speaks;
 * - AWS JSON 1.0 with `X-Amz-Target: GraniteServiceVersion20100801.<Op>` in query-compatible mode
 *   (errors carry `x-amzn-query-error: <Code>;<Sender|Receiver>`), which SDK v3 clients speak.
 */
import { randomUUID } from 'node:crypto'
import { AwsApiError, epochSeconds, jsonTarget, readJsonBody } from '../aws-json.js'
import { escapeXml } from '../route53/xml.js'
import type { InjectedError, Operation, SandboxCore, SandboxRequest, SandboxResponse, ServiceHandler } from '../types.js'
import { describeAlarms, setAlarmState, type DescribeAlarmsInput, type SetAlarmStateInput } from './operations.js'

const VERSION = '2010-08-01'
const XMLNS = `http://monitoring.amazonaws.com/doc/${VERSION}/`
const TARGET = 'GraniteServiceVersion20100801'
const MUTATING = new Set(['SetAlarmState'])

type Protocol = 'query' | 'json'

function queryParams(req: SandboxRequest): URLSearchParams | null {
  const type = String(req.headers['content-type'] ?? '')
  if (req.method !== 'POST' || !type.startsWith('application/x-www-form-urlencoded')) return null
  const params = new URLSearchParams(req.body.toString('utf8'))
  return params.get('Version') === VERSION && params.has('Action') ? params : null
}

const protocolOf = (req: SandboxRequest): Protocol | null => (jsonTarget(req, TARGET) !== null ? 'json' : queryParams(req) ? 'query' : null)

const operations: Record<string, (sb: SandboxCore, input: Record<string, unknown>) => unknown> = {
  DescribeAlarms: (sb, input) => describeAlarms(sb, input as DescribeAlarmsInput),
  SetAlarmState: (sb, input) => setAlarmState(sb, input as SetAlarmStateInput),
}

/** Query parameters to the JSON input shape: `AlarmNames.member.1` to `AlarmNames: [...]`, numbers for MaxRecords. */
function queryInput(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of params) {
    if (k === 'Action' || k === 'Version') continue
    const member = /^(\w+)\.member\.(\d+)$/.exec(k)
    if (member) {
      const list = (out[member[1]] ??= []) as string[]
      list[Number(member[2]) - 1] = v
    } else out[k] = k === 'MaxRecords' ? Number(v) : v
  }
  return out
}

function xmlValue(name: string, value: unknown): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return `<${name}>${value.map((v) => xmlValue('member', v)).join('')}</${name}>`
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => xmlValue(k, v)).join('')}</${name}>`
  return `<${name}>${escapeXml(String(value))}</${name}>`
}

function xmlAnswer(op: string, result: Record<string, unknown>): SandboxResponse {
  const requestId = randomUUID()
  const inner = Object.keys(result).length > 0 ? xmlValue(`${op}Result`, result) : ''
  const body = `<${op}Response xmlns="${XMLNS}">${inner}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op}Response>`
  return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body }
}

function jsonAnswer(result: unknown): SandboxResponse {
  // JSON 1.0 sends timestamps as epoch seconds.
  const body = JSON.stringify(result, (k, v) => (typeof v === 'string' && k.endsWith('Timestamp') ? epochSeconds(v) : v))
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() }, body }
}

/** The Smithy shape of each query error code (JSON 1.0 names the shape; the header keeps the query code). */
const SHAPES: Record<string, string> = {
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  InvalidParameterValue: 'InvalidParameterValueException',
  MissingParameter: 'MissingRequiredParameterException',
  InvalidFormat: 'InvalidFormatFault',
  InternalServiceError: 'InternalServiceFault',
  ConcurrentModificationException: 'ConcurrentModificationException',
}

function errorAnswer(protocol: Protocol, code: string, message: string, status: number): SandboxResponse {
  const requestId = randomUUID()
  const fault = status >= 500 ? 'Receiver' : 'Sender'
  if (protocol === 'query') {
    const body = `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${fault}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
    return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body }
  }
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId, 'x-amzn-query-error': `${code};${fault}` },
    body: JSON.stringify({ __type: `com.amazonaws.cloudwatch#${SHAPES[code] ?? code}`, message }),
  }
}

function nameOf(req: SandboxRequest): string | null {
  return jsonTarget(req, TARGET) ?? queryParams(req)?.get('Action') ?? null
}

export const cloudwatchHandler: ServiceHandler = {
  service: 'cloudwatch',
  matches: (req) => protocolOf(req) !== null,
  identify(req): Operation | null {
    const name = nameOf(req)
    return name === null ? null : { name, mutating: MUTATING.has(name) }
  },
  handle(req, op, sb) {
    const protocol = protocolOf(req)!
    const run = operations[op.name]
    if (!run) return errorAnswer(protocol, 'InvalidAction', `The sandbox does not serve CloudWatch ${op.name}.`, 400)
    try {
      const input = protocol === 'json' ? readJsonBody(req) : queryInput(queryParams(req)!)
      const result = run(sb, input) as Record<string, unknown>
      return protocol === 'json' ? jsonAnswer(result) : xmlAnswer(op.name, result)
    } catch (err) {
      if (err instanceof AwsApiError) return errorAnswer(protocol, err.code, err.message, err.status)
      throw err
    }
  },
  errorFor(error: InjectedError, op) {
    // The handler cannot see the request here; SDK clients speak JSON, so faults answer in JSON 1.0.
    switch (error) {
      case 'Throttling':
      case 'PriorRequestNotComplete':
        return errorAnswer('json', 'Throttling', 'Rate exceeded', 400)
      case 'Conflict':
        return errorAnswer('json', 'ConcurrentModificationException', `${op.name}: concurrent modification`, 429)
      case 'InternalError':
      case 'Timeout':
        return errorAnswer('json', 'InternalServiceError', 'Internal service error.', 500)
    }
  },
}
