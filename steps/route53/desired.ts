/**
 * What `route53.records` wants each record set to be (pure): the items a record spec names, and
 * their desired state given what is there now.
 */
import type { Change, Observed } from '../../runner/contract.js'
import { sameState } from '../../runner/canonical.js'
import { aliasDnsName, describeRecord, fqdn, recordKey, valueText, type RecordState } from './names.js'
import type { RecordSpec, Route53RecordsParams } from './records-params.js'

/** Zone name from the params when given by name; with a zone id, names are fully qualified. */
export function zoneNameOf(p: Route53RecordsParams): string {
  return p.zone.includes('.') ? p.zone.toLowerCase().replace(/\.?$/, '.') : ''
}

export type SpecKeys = { spec: RecordSpec; name: string; key: string; fromKey?: string }

/** The item keys of every record spec (in weighted mode also the `from` set's key). */
export function specKeys(p: Route53RecordsParams, zoneId: string): SpecKeys[] {
  const zoneName = zoneNameOf(p)
  return p.records.map((spec) => {
    const name = zoneName ? fqdn(spec.name, zoneName) : spec.name.toLowerCase()
    const setIdentifier = p.weighted ? (spec.setIdentifier ?? p.weighted.to) : spec.setIdentifier
    const key = recordKey(zoneId, { Name: name, Type: spec.type, SetIdentifier: setIdentifier })
    const fromKey = p.weighted ? recordKey(zoneId, { Name: name, Type: spec.type, SetIdentifier: p.weighted.from }) : undefined
    return { spec, name, key, ...(fromKey ? { fromKey } : {}) }
  })
}

/** The record set `spec` asks for, keeping the routing fields of `current` it does not set. */
export function desiredRecord(spec: RecordSpec, name: string, setIdentifier: string | undefined, current: RecordState | null, ttlFallback?: number): RecordState {
  const { ResourceRecords: _r, AliasTarget: _a, TTL: _t, ...routing } = current ?? ({} as Partial<RecordState>)
  const out: RecordState = { ...routing, Name: name, Type: spec.type }
  if (setIdentifier !== undefined) out.SetIdentifier = setIdentifier
  if (spec.weight !== undefined) out.Weight = spec.weight
  if (spec.alias) {
    out.AliasTarget = { HostedZoneId: spec.alias.hostedZoneId, DNSName: aliasDnsName(spec.alias.dnsName), EvaluateTargetHealth: spec.alias.evaluateTargetHealth }
  } else {
    out.TTL = spec.ttl ?? current?.TTL ?? ttlFallback ?? 300
    out.ResourceRecords = (spec.values ?? []).map((Value) => ({ Value }))
  }
  return out
}

function change(key: string, before: RecordState | null, after: RecordState): Change[] {
  if (sameState(before, after)) return []
  return [{ key, before, after, summary: `${describeRecord(after)}: ${valueText(before)} -> ${valueText(after)}` }]
}

/** The changes to the final state (in weighted mode: `from` at weight 0, `to` at the pair's total). */
export function recordChanges(p: Route53RecordsParams, now: Observed): Change[] {
  const zoneId = Object.keys(now)[0]?.split(':')[1]
  if (!zoneId) return []
  const out: Change[] = []
  for (const { spec, name, key, fromKey } of specKeys(p, zoneId)) {
    const current = (now[key] ?? null) as RecordState | null
    if (!fromKey) {
      out.push(...change(key, current, desiredRecord(spec, name, spec.setIdentifier, current)))
      continue
    }
    const from = (now[fromKey] ?? null) as RecordState | null
    if (!from) continue // observe refuses a missing `from` set in forward mode
    const total = (from.Weight ?? 0) + (current?.Weight ?? 0) || 100
    const to = { ...desiredRecord(spec, name, spec.setIdentifier ?? p.weighted!.to, current, from.TTL), Weight: total }
    out.push(...change(fromKey, from, { ...from, Weight: 0 }), ...change(key, current, to))
  }
  return out
}
