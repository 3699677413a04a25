/**
 * S3 answers in its REST-XML wire shape: documents in the 2006-03-01 namespace, errors as a bare
 * `<Error><Code/><Message/>...<RequestId/><HostId/></Error>` (no namespace), and no body at all
 * for HEAD requests, whose errors the SDK reads from the status code alone.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { SandboxResponse } from '../types.js'
import { escapeXml, xmlDocument, type XmlOut } from '../route53/xml.js'

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/'

/** Thrown by the S3 operations; the handler answers it in the error shape. */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'S3Error'
  }
}

/** Headers every S3 answer carries. */
export function s3Headers(): Record<string, string> {
  return { 'x-amz-request-id': randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(), 'x-amz-id-2': randomBytes(24).toString('base64') }
}

export function xmlAnswer(root: string, children: XmlOut[], status = 200): SandboxResponse {
  return { status, headers: { ...s3Headers(), 'content-type': 'application/xml' }, body: xmlDocument(root, children, S3_NS) }
}

export function errorAnswer(err: S3Error, method: string): SandboxResponse {
  const headers = s3Headers()
  if (method === 'HEAD') return { status: err.status, headers }
  const extra = Object.entries(err.extra).map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`).join('')
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message>${extra}` +
    `<RequestId>${headers['x-amz-request-id']}</RequestId><HostId>${headers['x-amz-id-2']}</HostId></Error>`
  return { status: err.status, headers: { ...headers, 'content-type': 'application/xml' }, body }
}

export const noSuchBucket = (bucket: string) => new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket })
export const noSuchKey = (key: string) => new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key })
export const preconditionFailed = (condition: string) =>
  new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: condition })
export const conditionalRequestConflict = () =>
  new S3Error(409, 'ConditionalRequestConflict', 'A conflicting conditional operation is currently in progress against this resource. Please try again.')
export const notImplemented = (header: string) =>
  new S3Error(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented', { Header: header })
export const invalidArgument = (message: string, name: string, value: string) =>
  new S3Error(400, 'InvalidArgument', message, { ArgumentName: name, ArgumentValue: value })
