/**
 * Route 53 error answers in the service's wire shape:
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 * InvalidChangeBatch uses the same envelope with every failure in one bracketed Message, as the
 * service has answered since 2024 (the older `<InvalidChangeBatch><Messages>` root is gone).
 */
import { randomUUID } from 'node:crypto'
import type { SandboxResponse } from '../types.js'
import { xmlDocument } from './xml.js'

export const ROUTE53_NS = 'https://route53.amazonaws.com/doc/2013-04-01/'

export function xmlResponse(status: number, root: string, children: Parameters<typeof xmlDocument>[1]): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() },
    body: xmlDocument(root, children, ROUTE53_NS),
  }
}

export function route53Error(status: number, code: string, message: string, type: 'Sender' | 'Receiver' = 'Sender'): SandboxResponse {
  const requestId = randomUUID()
  const res = xmlResponse(status, 'ErrorResponse', [
    ['Error', [['Type', type], ['Code', code], ['Message', message]]],
    ['RequestId', requestId],
  ])
  return { ...res, headers: { ...res.headers, 'x-amzn-requestid': requestId } }
}

export const invalidInput = (message: string) => route53Error(400, 'InvalidInput', message)
export const noSuchHostedZone = (id: string) => route53Error(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${id}`)
export const invalidChangeBatch = (messages: string[]) => route53Error(400, 'InvalidChangeBatch', `[${messages.join(', ')}]`)
export const throttling = (): SandboxResponse => ({ ...route53Error(400, 'Throttling', 'Rate exceeded'), fault: 'Throttling' })
export const priorRequestNotComplete = (): SandboxResponse => ({
  ...route53Error(400, 'PriorRequestNotComplete', 'The request was rejected because Route 53 was still processing a prior request.'),
  fault: 'PriorRequestNotComplete',
})
