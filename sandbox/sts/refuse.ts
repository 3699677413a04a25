/**
 * The answer of a service to a request signed with a session key the sandbox refuses (unknown or
 * expired, see sandbox/sts/identity.ts), in that service's error shape: XML for the query and
 * REST-XML services (STS, Route 53, S3), JSON with the error type header for the JSON ones.
 */
import { randomUUID } from 'node:crypto'
import type { SandboxResponse, ServiceName } from '../types.js'
import { stsError } from './handler.js'

/** Services whose requests are SigV4-signed AWS calls (and so are checked for a valid session key). */
export const SIGNED_SERVICES: ReadonlySet<ServiceName> = new Set(['route53', 'ecs', 'events', 'scheduler', 's3', 'cloudwatch', 'sts'])

export function refusedAnswer(service: ServiceName, code: string, message: string, status: number): SandboxResponse {
  if (service === 'sts' || service === 'route53' || service === 's3') return stsError(code, message, status)
  // JSON protocols name the exception; CloudWatch's query-compatible mode also sends the query code.
  const type = `${code}Exception`
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID(), 'x-amzn-errortype': type, ...(service === 'cloudwatch' ? { 'x-amzn-query-error': `${code};Sender` } : {}) },
    body: JSON.stringify({ __type: type, message }),
  }
}
