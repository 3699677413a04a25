/**
 * Record names, item keys and the canonical form of a record set as an item state.
 * Item key: `route53:<zoneId>:<name>:<type>:<setIdentifier or ->` (zone id without /hostedzone/).
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53'
import { editDistance } from '../../runner/playbook/suggest.js'

/** A record set as an item state: exactly what ListResourceRecordSets returns, as plain JSON. */
export type RecordState = {
  Name: string
  Type: string
  SetIdentifier?: string
  Weight?: number
  TTL?: number
  ResourceRecords?: { Value: string }[]
  AliasTarget?: { HostedZoneId: string; DNSName: string; EvaluateTargetHealth: boolean }
  [k: string]: unknown
}

/** `/hostedzone/Z123` or `Z123` → `Z123`. */
export function bareZoneId(id: string): string {
  return id.replace(/^\/?hostedzone\//, '')
}

/**
 * A record name as Route 53 returns it: lower case, fully qualified with a trailing dot, `*`
 * escaped as `\052`. Relative names (`orders`, `@`) are taken inside `zoneName`.
 */
export function fqdn(name: string, zoneName: string): string {
  const zone = zoneName.toLowerCase().replace(/\.?$/, '.')
  let n = name.trim().toLowerCase()
  if (n === '@' || n === '') return zone
  if (!n.endsWith('.')) n = n === zone.slice(0, -1) || n.endsWith('.' + zone.slice(0, -1)) ? n + '.' : `${n}.${zone}`
  return n.replace(/\*/g, '\\052')
}

export function recordKey(zoneId: string, rs: { Name: string; Type: string; SetIdentifier?: string }): string {
  return `route53:${bareZoneId(zoneId)}:${rs.Name}:${rs.Type}:${rs.SetIdentifier ?? '-'}`
}

export type ParsedKey = { zoneId: string; name: string; type: string; setIdentifier?: string }

export function parseKey(key: string): ParsedKey {
  const m = /^route53:([^:]+):(.+):([A-Z0-9]+):([^:]*)$/.exec(key)
  if (!m) throw new Error(`not a Route 53 item key: ${key}`)
  return { zoneId: m[1], name: m[2], type: m[3], ...(m[4] === '-' ? {} : { setIdentifier: m[4] }) }
}

/** Plain JSON of a record set (no undefined members, no SDK metadata). */
export function toState(rs: ResourceRecordSet | RecordState): RecordState {
  return JSON.parse(JSON.stringify(rs)) as RecordState
}

/** An alias target as Route 53 stores it: DNS name lower case with a trailing dot. */
export function aliasDnsName(name: string): string {
  return name.toLowerCase().replace(/\.?$/, '.')
}

export function describeRecord(rs: { Name: string; Type: string; SetIdentifier?: string }): string {
  return `${rs.Name} ${rs.Type}${rs.SetIdentifier ? ` [${rs.SetIdentifier}]` : ''}`
}

/** What a record points at, for plan lines. */
export function valueText(rs: RecordState | null): string {
  if (!rs) return '(none)'
  if (rs.AliasTarget) return `alias ${rs.AliasTarget.DNSName}`
  const values = (rs.ResourceRecords ?? []).map((r) => r.Value).join(', ')
  const weight = rs.Weight === undefined ? '' : ` weight ${rs.Weight}`
  return `${values} ttl ${rs.TTL ?? '-'}${weight}`
}

/**
 * The record sets of `sets` whose names are closest to `name` (edit distance; the same type first
 * on a tie), for "did you mean" in errors. At most `limit`, each described once.
 */
export function closestSets(name: string, type: string, sets: RecordState[], limit = 3): string[] {
  const ranked = sets
    .map((rs) => ({ rs, d: editDistance(name, rs.Name) * 2 + (rs.Type === type ? 0 : 1) }))
    .sort((a, b) => a.d - b.d)
  return [...new Set(ranked.map((r) => describeRecord(r.rs)))].slice(0, limit)
}
