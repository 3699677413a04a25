/**
 * Checks of a change batch that need no zone state (answered InvalidInput or, for the batch
 * limits, InvalidChangeBatch), and the zone-wide consistency rules Route 53 enforces after a
 * batch is applied (CNAME exclusivity and apex, routing policy mixes, apex SOA/NS).
 */
import type { HostedZone, RecordSet } from '../estate.js'
import type { ParsedChange } from './batch-xml.js'

export const RECORD_TYPES = new Set(['A', 'AAAA', 'CAA', 'CNAME', 'DS', 'HTTPS', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SPF', 'SRV', 'SSHFP', 'SVCB', 'TLSA', 'TXT'])
export const ACTIONS = new Set(['CREATE', 'DELETE', 'UPSERT'])
export const MAX_RECORDS = 1000
export const MAX_VALUE_CHARS = 32_000
const ROUTING = ['Weight', 'Region', 'Failover', 'GeoLocation', 'MultiValueAnswer', 'CidrRoutingConfig', 'GeoProximityLocation']

export function describeChange(c: ParsedChange): string {
  const s = c.set
  return `Change with [Action=${c.action}, Name=${s.Name}, Type=${s.Type}, SetIdentifier=${s.SetIdentifier ?? 'null'}]`
}

/** The InvalidInput message for a change that is malformed on its own, or null. */
export function inputProblem(c: ParsedChange): string | null {
  const s = c.set
  if (!ACTIONS.has(c.action)) return `Invalid request: Action '${c.action}' is not one of CREATE, DELETE, UPSERT in ${describeChange(c)}`
  if (!s.Name || !s.Type) return `Invalid request: Missing field '${s.Name ? 'Type' : 'Name'}' in ${describeChange(c)}`
  if (!RECORD_TYPES.has(s.Type)) return `Invalid request: '${s.Type}' is not a valid record type in ${describeChange(c)}`
  const forms = [s.AliasTarget !== undefined, s.TTL !== undefined || s.ResourceRecords !== undefined, s.TrafficPolicyInstanceId !== undefined]
  const count = forms.filter(Boolean).length
  const incomplete = count === 1 && forms[1] && (s.TTL === undefined || !s.ResourceRecords?.length)
  if (count !== 1 || incomplete) {
    const found = count > 1 ? 'more than one' : 'none'
    return `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${found} in ${describeChange(c)}`
  }
  const routed = ROUTING.some((k) => s[k] !== undefined)
  if (routed && s.SetIdentifier === undefined) return `Invalid request: Missing field 'SetIdentifier' in ${describeChange(c)}`
  if (!routed && s.SetIdentifier !== undefined) return `Invalid request: Missing field 'Weight' (or another routing policy) for SetIdentifier in ${describeChange(c)}`
  if (s.Weight !== undefined && (s.Weight < 0 || s.Weight > 255)) return `Invalid request: Weight must be between 0 and 255 in ${describeChange(c)}`
  if (s.TTL !== undefined && (s.TTL < 0 || s.TTL > 2147483647)) return `Invalid request: TTL must be between 0 and 2147483647 in ${describeChange(c)}`
  return null
}

/** Route 53's per-request limits; UPSERT counts twice for both. */
export function limitProblems(changes: ParsedChange[]): string[] {
  let records = 0
  let chars = 0
  for (const c of changes) {
    const factor = c.action === 'UPSERT' ? 2 : 1
    records += factor * (c.set.ResourceRecords?.length ?? 0)
    chars += factor * (c.set.ResourceRecords ?? []).reduce((n, r) => n + r.Value.length, 0)
  }
  const problems: string[] = []
  if (changes.length > MAX_RECORDS) problems.push(`Number of changes in the request (${changes.length}) exceeds the limit of ${MAX_RECORDS}`)
  if (records > MAX_RECORDS) problems.push(`Number of records limit of ${MAX_RECORDS} exceeded (${records}, UPSERT counted twice)`)
  if (chars > MAX_VALUE_CHARS) problems.push(`Number of characters in Value elements (${chars}, UPSERT counted twice) exceeds the limit of ${MAX_VALUE_CHARS}`)
  return problems
}

/** Problems of the zone as the batch would leave it, for the names the batch touched. */
export function zoneProblems(zone: HostedZone, touched: Set<string>): string[] {
  const problems: string[] = []
  const at = (name: string) => zone.RecordSets.filter((r) => r.Name === name)
  for (const name of touched) {
    const sets = at(name)
    const cnames = sets.filter((r) => r.Type === 'CNAME')
    if (cnames.length && name === zone.Name) problems.push(`RRSet of type CNAME with DNS name ${name} is not permitted at apex in zone ${zone.Name}`)
    const other = sets.find((r) => r.Type !== 'CNAME')
    if (cnames.length && other) {
      problems.push(`RRSet of type CNAME with DNS name ${name} is not permitted because a conflicting RRSet of type ${other.Type} with the same DNS name already exists in zone ${zone.Name}`)
    }
    for (const c of cnames) if ((c.ResourceRecords?.length ?? 0) > 1) problems.push(`RRSet of type CNAME with DNS name ${name} has more than one value`)
    for (const type of new Set(sets.map((r) => r.Type))) {
      const group = sets.filter((r) => r.Type === type)
      if (group.length > 1 && group.some((r) => r.SetIdentifier === undefined)) {
        problems.push(`RRSet with DNS name ${name}, type ${type} cannot be created because a non-weighted set exists with the same name and type`)
      }
    }
    for (const r of sets) problems.push(...valueProblems(r))
  }
  if (touched.has(zone.Name)) {
    if (at(zone.Name).filter((r) => r.Type === 'SOA').length !== 1) problems.push(`A HostedZone must contain exactly one SOA record at ${zone.Name}`)
    if (!at(zone.Name).some((r) => r.Type === 'NS')) problems.push(`A HostedZone must contain at least one NS record for the zone itself at ${zone.Name}`)
  }
  return problems
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

function valueProblems(r: RecordSet): string[] {
  if (r.Type !== 'A') return []
  return (r.ResourceRecords ?? [])
    .filter((v) => !IPV4.test(v.Value))
    .map((v) => `Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${v.Value}''`)
}
