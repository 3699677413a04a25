/**
 * TestDNSAnswer: what Route 53's name servers would answer from the zone's record sets. A name
 * with no set of the type but a CNAME answers the CNAME; weighted sets answer the heaviest
 * (first in Route 53's order on a tie); an alias answers its target's DNS name.
 */
import type { Estate, RecordSet } from '../estate.js'
import type { SandboxResponse } from '../types.js'
import { invalidInput, noSuchHostedZone, xmlResponse } from './errors.js'
import { compareRecordSets, normalizeName } from './order.js'
import { bareZoneId } from './shapes.js'
import { RECORD_TYPES } from './validate.js'
import { findZone } from './zones.js'
import type { XmlOut } from './xml.js'

function pick(sets: RecordSet[]): RecordSet | undefined {
  return [...sets].sort((a, b) => (b.Weight ?? 0) - (a.Weight ?? 0) || compareRecordSets(a, b))[0]
}

export function testDnsAnswer(estate: Estate, q: URLSearchParams): SandboxResponse {
  const zoneId = q.get('hostedzoneid')
  const recordName = q.get('recordname')
  const recordType = q.get('recordtype')
  if (!zoneId || !recordName || !recordType) return invalidInput('Invalid request: HostedZoneId, RecordName and RecordType are required')
  if (!RECORD_TYPES.has(recordType)) return invalidInput(`Invalid request: '${recordType}' is not a valid record type`)
  const zone = findZone(estate, zoneId)
  if (!zone) return noSuchHostedZone(bareZoneId(zoneId))
  const name = normalizeName(recordName)
  const atName = zone.RecordSets.filter((r) => r.Name === name)
  const answer = pick(atName.filter((r) => r.Type === recordType)) ?? pick(atName.filter((r) => r.Type === 'CNAME'))
  const data = answer ? (answer.AliasTarget ? [answer.AliasTarget.DNSName] : (answer.ResourceRecords ?? []).map((r) => r.Value)) : []
  const ns = zone.RecordSets.find((r) => r.Name === zone.Name && r.Type === 'NS')?.ResourceRecords?.[0]?.Value ?? 'ns-0.awsdns-00.com.'
  const inZone = name === zone.Name || name.endsWith(`.${zone.Name}`)
  const body: XmlOut[] = [
    ['Nameserver', ns],
    ['RecordName', name],
    ['RecordType', answer?.Type ?? recordType],
    ['RecordData', data.map((d): XmlOut => ['RecordDataEntry', d])],
    ['ResponseCode', atName.length ? 'NOERROR' : inZone ? 'NXDOMAIN' : 'REFUSED'],
    ['Protocol', 'UDP'],
  ]
  return xmlResponse(200, 'TestDNSAnswerResponse', body)
}
