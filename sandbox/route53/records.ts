/**
 * ListResourceRecordSets with Route 53's paging: at most 300 per page (and by default), in
 * Route 53's order, starting at the first set not before (name, type, identifier); a truncated
 * page names where the next one starts.
 */
import type { Estate } from '../estate.js'
import type { SandboxResponse } from '../types.js'
import { invalidInput, noSuchHostedZone, xmlResponse } from './errors.js'
import { compareKeys, compareRecordSets, normalizeName } from './order.js'
import { bareZoneId, recordSetXml } from './shapes.js'
import { RECORD_TYPES } from './validate.js'
import { findZone, maxItems } from './zones.js'

export const PAGE_LIMIT = 300

export function listResourceRecordSets(estate: Estate, zoneId: string, q: URLSearchParams): SandboxResponse {
  const zone = findZone(estate, zoneId)
  if (!zone) return noSuchHostedZone(bareZoneId(zoneId))
  const max = maxItems(q.get('maxitems'), PAGE_LIMIT)
  if (max === null) return invalidInput('Invalid request: MaxItems must be a positive integer')
  const name = q.get('name')
  const type = q.get('type')
  const id = q.get('identifier')
  if (type && !name) return invalidInput('Invalid request: StartRecordType requires StartRecordName')
  if (id && !type) return invalidInput('Invalid request: StartRecordIdentifier requires StartRecordName and StartRecordType')
  if (type && !RECORD_TYPES.has(type)) return invalidInput(`Invalid request: ${type} is not a valid record type`)
  const sorted = [...zone.RecordSets].sort(compareRecordSets)
  const start = name ? { name: normalizeName(name), type: type ?? undefined, id: id ?? undefined } : null
  const from = start ? sorted.findIndex((r) => compareKeys({ name: r.Name, type: r.Type, id: r.SetIdentifier }, start) >= 0) : 0
  const first = from < 0 ? sorted.length : from
  const page = sorted.slice(first, first + max)
  const next = sorted[first + max]
  return xmlResponse(200, 'ListResourceRecordSetsResponse', [
    ['ResourceRecordSets', page.map(recordSetXml)],
    ['IsTruncated', Boolean(next)],
    ['NextRecordName', next?.Name],
    ['NextRecordType', next?.Type],
    ['NextRecordIdentifier', next?.SetIdentifier],
    ['MaxItems', max],
  ])
}
