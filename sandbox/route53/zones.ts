/** ListHostedZones, ListHostedZonesByName and GetHostedZone. */
import type { Estate, HostedZone } from '../estate.js'
import type { SandboxResponse } from '../types.js'
import { invalidInput, noSuchHostedZone, xmlResponse } from './errors.js'
import { compareNames, normalizeName } from './order.js'
import { bareZoneId, hostedZoneXml } from './shapes.js'
import type { XmlOut } from './xml.js'

/** `maxitems` as Route 53 reads it: default and ceiling `max`; not a positive integer: null. */
export function maxItems(raw: string | null, max: number): number | null {
  if (raw === null) return max
  const n = Number(raw)
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : null
}

export function findZone(estate: Estate, id: string): HostedZone | undefined {
  const bare = bareZoneId(id)
  return estate.route53.zones.find((z) => z.Id === bare)
}

export function listHostedZones(estate: Estate, q: URLSearchParams): SandboxResponse {
  const max = maxItems(q.get('maxitems'), 100)
  if (max === null) return invalidInput('Invalid request: MaxItems must be a positive integer')
  const marker = q.get('marker')
  const sorted = [...estate.route53.zones].sort((a, b) => (a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0))
  const start = marker ? sorted.findIndex((z) => z.Id >= bareZoneId(marker)) : 0
  const from = start < 0 ? sorted.length : start
  const page = sorted.slice(from, from + max)
  const next = sorted[from + max]
  return xmlResponse(200, 'ListHostedZonesResponse', [
    ['HostedZones', page.map(hostedZoneXml)],
    ['Marker', marker ?? undefined],
    ['IsTruncated', Boolean(next)],
    ['NextMarker', next?.Id],
    ['MaxItems', max],
  ])
}

export function listHostedZonesByName(estate: Estate, q: URLSearchParams): SandboxResponse {
  const max = maxItems(q.get('maxitems'), 100)
  if (max === null) return invalidInput('Invalid request: MaxItems must be a positive integer')
  const dnsName = q.get('dnsname')
  const zoneId = q.get('hostedzoneid')
  if (zoneId && !dnsName) return invalidInput('Invalid request: HostedZoneId requires DNSName')
  const order = (a: HostedZone, b: HostedZone) => compareNames(a.Name, b.Name) || (a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0)
  const sorted = [...estate.route53.zones].sort(order)
  const name = dnsName ? normalizeName(dnsName) : undefined
  const from = name
    ? sorted.findIndex((z) => {
        const c = compareNames(z.Name, name)
        return c > 0 || (c === 0 && (!zoneId || z.Id >= bareZoneId(zoneId)))
      })
    : 0
  const start = from < 0 ? sorted.length : from
  const page = sorted.slice(start, start + max)
  const next = sorted[start + max]
  const body: XmlOut[] = [
    ['HostedZones', page.map(hostedZoneXml)],
    ['DNSName', name],
    ['HostedZoneId', zoneId ? bareZoneId(zoneId) : undefined],
    ['IsTruncated', Boolean(next)],
    ['NextDNSName', next?.Name],
    ['NextHostedZoneId', next?.Id],
    ['MaxItems', max],
  ]
  return xmlResponse(200, 'ListHostedZonesByNameResponse', body)
}

export function getHostedZone(estate: Estate, id: string): SandboxResponse {
  const zone = findZone(estate, id)
  if (!zone) return noSuchHostedZone(bareZoneId(id))
  const ns = zone.RecordSets.find((r) => r.Type === 'NS' && r.Name === zone.Name)
  const servers = (ns?.ResourceRecords ?? []).map((r): XmlOut => ['NameServer', r.Value.replace(/\.$/, '')])
  return xmlResponse(200, 'GetHostedZoneResponse', [hostedZoneXml(zone), ['DelegationSet', [['NameServers', servers]]]])
}
