/**
 * ChangeResourceRecordSets and GetChange. A batch is atomic: it is applied to a copy of the
 * zone and committed only when every change and the resulting zone are valid; otherwise every
 * failure is reported at once and the zone is untouched. A committed change is PENDING until
 * `config.route53ChangeDelayMs` of virtual time has passed, then INSYNC; while a zone has a
 * PENDING change, another batch for it is refused with PriorRequestNotComplete.
 */
import { sameState } from '../../runner/canonical.js'
import type { RecordSet, Route53Change } from '../estate.js'
import type { SandboxCore, SandboxResponse } from '../types.js'
import { MalformedBatch, parseChangeBatch, type ParsedChange } from './batch-xml.js'
import { invalidChangeBatch, invalidInput, noSuchHostedZone, priorRequestNotComplete, route53Error, xmlResponse } from './errors.js'
import { normalizeName } from './order.js'
import { bareZoneId, changeInfoXml } from './shapes.js'
import { inputProblem, limitProblems, zoneProblems } from './validate.js'
import { XmlSyntaxError } from './xml.js'
import { findZone } from './zones.js'

/** The set as Route 53 stores it: normalized name, alias DNS name lower case with a trailing dot. */
function stored(set: RecordSet): RecordSet {
  const out: RecordSet = { ...set, Name: normalizeName(set.Name) }
  if (set.AliasTarget) {
    out.AliasTarget = { ...set.AliasTarget, HostedZoneId: bareZoneId(set.AliasTarget.HostedZoneId), DNSName: normalizeName(set.AliasTarget.DNSName) }
  }
  return out
}

const sameSet = (a: RecordSet, b: RecordSet) => a.Name === b.Name && a.Type === b.Type && a.SetIdentifier === b.SetIdentifier
const comparable = (s: RecordSet) => ({ ...s, ResourceRecords: s.ResourceRecords?.map((r) => r.Value).sort() })

function label(s: RecordSet): string {
  return `[name='${s.Name}', type='${s.Type}'${s.SetIdentifier !== undefined ? `, set-identifier='${s.SetIdentifier}'` : ''}]`
}

/** Apply `changes` in order to `sets` (mutated); returns the failures. */
function applyChanges(sets: RecordSet[], changes: ParsedChange[], zoneName: string): string[] {
  const problems: string[] = []
  for (const c of changes) {
    const set = stored(c.set)
    if (set.Name !== zoneName && !set.Name.endsWith(`.${zoneName}`)) {
      problems.push(`RRSet with DNS name ${set.Name} is not permitted in zone ${zoneName}`)
      continue
    }
    const at = sets.findIndex((s) => sameSet(s, set))
    if (c.action === 'CREATE') {
      if (at >= 0) problems.push(`Tried to create resource record set ${label(set)} but it already exists`)
      else sets.push(set)
    } else if (c.action === 'DELETE') {
      if (at < 0) problems.push(`Tried to delete resource record set ${label(set)} but it was not found`)
      else if (!sameState(comparable(sets[at]), comparable(set))) problems.push(`Tried to delete resource record set ${label(set)} but the values provided do not match the current values`)
      else sets.splice(at, 1)
    } else if (at >= 0) sets[at] = set
    else sets.push(set)
  }
  return problems
}

function nextChangeId(count: number): string {
  return `C${(count + 1).toString(36).toUpperCase().padStart(13, '0')}`
}

export function changeResourceRecordSets(sb: SandboxCore, zoneId: string, body: string): SandboxResponse {
  const zone = findZone(sb.estate, zoneId)
  if (!zone) return noSuchHostedZone(bareZoneId(zoneId))
  let batch
  try {
    batch = parseChangeBatch(body)
  } catch (err) {
    if (err instanceof XmlSyntaxError) return invalidInput(`Invalid XML ; ${err.message}`)
    if (err instanceof MalformedBatch) return err.message.startsWith('ChangeBatch is not valid') ? route53Error(400, 'MalformedInput', err.message) : invalidInput(err.message)
    throw err
  }
  for (const c of batch.changes) {
    const problem = inputProblem(c)
    if (problem) return invalidInput(problem)
  }
  const limits = limitProblems(batch.changes)
  if (limits.length) return invalidChangeBatch(limits)
  const now = sb.time.now()
  if (sb.estate.route53.changes.some((c) => c.ZoneId === zone.Id && Date.parse(c.InsyncAt) > now)) return priorRequestNotComplete()
  const sets = zone.RecordSets.map((s) => structuredClone(s))
  const problems = applyChanges(sets, batch.changes, zone.Name)
  const touched = new Set(batch.changes.map((c) => normalizeName(c.set.Name)))
  if (!problems.length) problems.push(...zoneProblems({ ...zone, RecordSets: sets }, touched))
  if (problems.length) return invalidChangeBatch(problems)
  zone.RecordSets = sets
  const change: Route53Change = {
    Id: nextChangeId(sb.estate.route53.changes.length),
    SubmittedAt: new Date(now).toISOString(),
    InsyncAt: new Date(now + sb.config.route53ChangeDelayMs).toISOString(),
    ZoneId: zone.Id,
    ...(batch.comment !== undefined ? { Comment: batch.comment } : {}),
  }
  sb.estate.route53.changes.push(change)
  return xmlResponse(200, 'ChangeResourceRecordSetsResponse', [changeInfoXml(change, now)])
}

export function getChange(sb: SandboxCore, id: string): SandboxResponse {
  const bare = decodeURIComponent(id).replace(/^\/?change\//, '')
  const change = sb.estate.route53.changes.find((c) => c.Id === bare)
  if (!change) return route53Error(404, 'NoSuchChange', `A change with the specified change ID does not exist: ${bare}`)
  return xmlResponse(200, 'GetChangeResponse', [changeInfoXml(change, sb.time.now())])
}
