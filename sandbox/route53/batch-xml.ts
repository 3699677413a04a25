/** Reads a ChangeResourceRecordSets request body into record sets (the estate's shape). */
import type { RecordSet } from '../estate.js'
import { child, children, parseXml, type XmlNode } from './xml.js'

export type ParsedChange = { action: string; set: RecordSet }
export type ParsedBatch = { comment?: string; changes: ParsedChange[] }

/** Thrown when the body is XML but not a change batch; answered as InvalidInput. */
export class MalformedBatch extends Error {}

const NUMBERS = new Set(['Weight', 'TTL'])
const BOOLEANS = new Set(['MultiValueAnswer'])
const OBJECTS = new Set(['GeoLocation', 'CidrRoutingConfig', 'GeoProximityLocation'])

function leaves(node: XmlNode): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const c of node.children) out[c.name] = c.children.length ? leaves(c) : c.text.trim()
  return out
}

function number(node: XmlNode): number {
  const text = node.text.trim()
  if (!/^-?\d+$/.test(text)) throw new MalformedBatch(`Invalid request: ${node.name} must be an integer, got '${text}'`)
  return Number(text)
}

function recordSet(node: XmlNode): RecordSet {
  const set: Record<string, unknown> = {}
  for (const c of node.children) {
    if (NUMBERS.has(c.name)) set[c.name] = number(c)
    else if (BOOLEANS.has(c.name)) set[c.name] = c.text.trim() === 'true'
    else if (OBJECTS.has(c.name)) set[c.name] = leaves(c)
    else if (c.name === 'ResourceRecords') set.ResourceRecords = children(c, 'ResourceRecord').map((r) => ({ Value: child(r, 'Value')?.text ?? '' }))
    else if (c.name === 'AliasTarget') {
      set.AliasTarget = {
        HostedZoneId: child(c, 'HostedZoneId')?.text.trim() ?? '',
        DNSName: child(c, 'DNSName')?.text.trim() ?? '',
        EvaluateTargetHealth: child(c, 'EvaluateTargetHealth')?.text.trim() === 'true',
      }
    } else set[c.name] = c.text.trim()
  }
  return set as RecordSet
}

export function parseChangeBatch(body: string): ParsedBatch {
  const root = parseXml(body)
  if (root.name !== 'ChangeResourceRecordSetsRequest') throw new MalformedBatch('ChangeBatch is not valid, expected ChangeResourceRecordSetsRequest')
  const batch = child(root, 'ChangeBatch')
  const list = batch && child(batch, 'Changes')
  if (!batch || !list) throw new MalformedBatch('Invalid request: Value null at changeBatch.changes failed to satisfy constraint: Member must not be null')
  const changes = children(list, 'Change').map((c) => {
    const set = child(c, 'ResourceRecordSet')
    if (!set) throw new MalformedBatch('Invalid request: a Change is missing its ResourceRecordSet')
    return { action: child(c, 'Action')?.text.trim() ?? '', set: recordSet(set) }
  })
  if (!changes.length) throw new MalformedBatch('Invalid request: the ChangeBatch has no Change elements (at least 1 required)')
  const comment = child(batch, 'Comment')?.text
  return { comment, changes }
}
