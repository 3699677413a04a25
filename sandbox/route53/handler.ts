/**
 * The Route 53 REST-XML protocol (API version 2013-04-01) on the sandbox server: routes the
 * request paths the AWS SDK uses to the operations, applies the account's rate limit first.
 */
import type { InjectedError, Operation, SandboxCore, SandboxRequest, SandboxResponse, ServiceHandler } from '../types.js'
import { testDnsAnswer } from './answer.js'
import { changeResourceRecordSets, getChange } from './changes.js'
import { priorRequestNotComplete, route53Error, throttling } from './errors.js'
import { listResourceRecordSets } from './records.js'
import { takeToken } from './throttle.js'
import { getHostedZone, listHostedZones, listHostedZonesByName } from './zones.js'

const PREFIX = '/2013-04-01/'

type Route = { method: string; pattern: RegExp; op: Operation }

const routes: Route[] = [
  { method: 'GET', pattern: /^hostedzone\/?$/, op: { name: 'ListHostedZones', mutating: false } },
  { method: 'GET', pattern: /^hostedzonesbyname\/?$/, op: { name: 'ListHostedZonesByName', mutating: false } },
  { method: 'GET', pattern: /^hostedzone\/([^/]+)\/rrset\/?$/, op: { name: 'ListResourceRecordSets', mutating: false } },
  { method: 'POST', pattern: /^hostedzone\/([^/]+)\/rrset\/?$/, op: { name: 'ChangeResourceRecordSets', mutating: true } },
  { method: 'GET', pattern: /^hostedzone\/([^/]+)\/?$/, op: { name: 'GetHostedZone', mutating: false } },
  { method: 'GET', pattern: /^change\/([^/]+)\/?$/, op: { name: 'GetChange', mutating: false } },
  { method: 'GET', pattern: /^testdnsanswer\/?$/, op: { name: 'TestDNSAnswer', mutating: false } },
]

function route(req: SandboxRequest): { op: Operation; id?: string } | null {
  const path = req.url.pathname.slice(PREFIX.length)
  for (const r of routes) {
    const m = req.method === r.method ? r.pattern.exec(path) : null
    if (m) return { op: r.op, id: m[1] }
  }
  return null
}

export const route53Handler: ServiceHandler = {
  service: 'route53',
  matches: (req) => req.url.pathname.startsWith(PREFIX),
  identify: (req) => route(req)?.op ?? null,

  handle(req: SandboxRequest, op: Operation, sb: SandboxCore): SandboxResponse {
    if (!takeToken(sb)) return throttling()
    const found = route(req)
    const q = req.url.searchParams
    const id = found?.id ?? ''
    switch (found?.op.name) {
      case 'ListHostedZones':
        return listHostedZones(sb.estate, q)
      case 'ListHostedZonesByName':
        return listHostedZonesByName(sb.estate, q)
      case 'GetHostedZone':
        return getHostedZone(sb.estate, id)
      case 'ListResourceRecordSets':
        return listResourceRecordSets(sb.estate, id, q)
      case 'ChangeResourceRecordSets':
        return changeResourceRecordSets(sb, id, req.body.toString('utf8'))
      case 'GetChange':
        return getChange(sb, id)
      case 'TestDNSAnswer':
        return testDnsAnswer(sb.estate, q)
      default:
        return route53Error(400, 'InvalidAction', `The sandbox's Route 53 does not serve ${req.method} ${req.url.pathname} (${op.name})`)
    }
  },

  errorFor(error: InjectedError): SandboxResponse {
    switch (error) {
      case 'Throttling':
        return throttling()
      case 'PriorRequestNotComplete':
        return priorRequestNotComplete()
      case 'Conflict':
        return { ...route53Error(400, 'ConcurrentModification', 'Another request is modifying this resource; retry the request.'), fault: 'Conflict' }
      case 'InternalError':
      case 'Timeout':
        return { ...route53Error(500, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 'Receiver'), fault: error }
    }
  },
}
