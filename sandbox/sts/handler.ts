/**
 * AWS STS on its wire protocol, the query protocol: `POST /`, `application/x-www-form-urlencoded`,
 * `Action=AssumeRole&Version=2011-06-15&...`, XML answers and `<ErrorResponse>` errors, over
 * sandbox/sts/operations.ts. The caller is the access key of the SigV4 signature.
 */
import { randomUUID } from 'node:crypto'
import { AwsApiError } from '../aws-json.js'
import { escapeXml } from '../route53/xml.js'
import type { InjectedError, Operation, SandboxRequest, SandboxResponse, ServiceHandler } from '../types.js'
import { accessKeyOf } from './identity.js'
import { assumeRole, getCallerIdentity, type AssumeRoleInput } from './operations.js'

const VERSION = '2011-06-15'
const XMLNS = `https://sts.amazonaws.com/doc/${VERSION}/`
const MUTATING = new Set(['AssumeRole'])

function queryParams(req: SandboxRequest): URLSearchParams | null {
  const type = String(req.headers['content-type'] ?? '')
  if (req.method !== 'POST' || !type.startsWith('application/x-www-form-urlencoded')) return null
  const params = new URLSearchParams(req.body.toString('utf8'))
  return params.get('Version') === VERSION && params.has('Action') ? params : null
}

function xmlValue(name: string, value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => xmlValue(k, v)).join('')}</${name}>`
  return `<${name}>${escapeXml(String(value))}</${name}>`
}

function xmlAnswer(op: string, result: Record<string, unknown>): SandboxResponse {
  const requestId = randomUUID()
  const body = `<${op}Response xmlns="${XMLNS}">${xmlValue(`${op}Result`, result)}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op}Response>`
  return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body }
}

/** STS's error shape (also what the sandbox answers any query-protocol caller whose token it refuses). */
export function stsError(code: string, message: string, status: number): SandboxResponse {
  const requestId = randomUUID()
  const type = status >= 500 ? 'Receiver' : 'Sender'
  const body = `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body }
}

export const stsHandler: ServiceHandler = {
  service: 'sts',
  matches: (req) => queryParams(req) !== null,
  identify(req): Operation | null {
    const name = queryParams(req)?.get('Action')
    return name ? { name, mutating: MUTATING.has(name) } : null
  },
  handle(req, op, sb) {
    const params = queryParams(req)!
    const caller = accessKeyOf(req)
    if (!caller) return stsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403)
    try {
      switch (op.name) {
        case 'AssumeRole':
          return xmlAnswer(op.name, assumeRole(sb, caller, Object.fromEntries(params) as AssumeRoleInput))
        case 'GetCallerIdentity':
          return xmlAnswer(op.name, getCallerIdentity(sb, caller))
        default:
          return stsError('InvalidAction', `Could not find operation ${op.name} for version ${VERSION}`, 400)
      }
    } catch (err) {
      if (err instanceof AwsApiError) return stsError(err.code, err.message, err.status)
      throw err
    }
  },
  errorFor(error: InjectedError) {
    switch (error) {
      case 'Throttling':
      case 'PriorRequestNotComplete':
        return stsError('Throttling', 'Rate exceeded', 400)
      case 'Conflict':
        return stsError('IDPCommunicationError', 'The request could not be fulfilled.', 400)
      case 'InternalError':
      case 'Timeout':
        return stsError('InternalFailure', 'An internal error occurred.', 500)
    }
  },
}
