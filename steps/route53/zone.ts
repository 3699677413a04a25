/** Reading a hosted zone: resolve it by name or id, and list its record sets. */
import type { StepContext } from '../../runner/contract.js'
import { StepError, messageOf } from '../step-error.js'
import { bareZoneId, toState, type RecordState } from './names.js'

export type ZoneInfo = { id: string; name: string; recordSetCount: number }

export class ZoneNotFound extends StepError {}

/**
 * The zone named by `zone`: a hosted zone id (`Z0123...` or `/hostedzone/Z0123...`) or a DNS
 * name (`example.com`). A name that matches a public and a private zone is refused as ambiguous.
 */
export async function resolveZone(ctx: StepContext, stepType: string, zone: string): Promise<ZoneInfo> {
  const hint = 'Check the zone name or use its hosted zone id (Route 53 console, or `aws route53 list-hosted-zones`)'
  try {
    if (!zone.includes('.')) {
      const res = await ctx.aws.route53.getHostedZone({ Id: bareZoneId(zone) })
      const hz = res.HostedZone!
      return { id: bareZoneId(hz.Id!), name: hz.Name!, recordSetCount: hz.ResourceRecordSetCount ?? 0 }
    }
    const name = zone.toLowerCase().replace(/\.?$/, '.')
    const res = await ctx.aws.route53.listHostedZonesByName({ DNSName: name, MaxItems: 10 })
    const matches = (res.HostedZones ?? []).filter((z) => z.Name === name)
    if (matches.length === 0) throw new ZoneNotFound(stepType, 'observe', `no hosted zone named ${name}`, hint)
    if (matches.length > 1) {
      const ids = matches.map((z) => bareZoneId(z.Id!)).join(', ')
      throw new ZoneNotFound(stepType, 'observe', `${name} names ${matches.length} hosted zones (${ids})`, 'Give the zone id instead of its name')
    }
    const hz = matches[0]
    return { id: bareZoneId(hz.Id!), name: hz.Name!, recordSetCount: hz.ResourceRecordSetCount ?? 0 }
  } catch (e) {
    if (e instanceof ZoneNotFound) throw e
    throw new ZoneNotFound(stepType, 'observe', `reading hosted zone ${zone} failed: ${messageOf(e)}`, hint, e)
  }
}

/** Every record set of the zone, in Route 53's order (paginated, 300 per page). */
export async function listRecordSets(ctx: StepContext, zoneId: string): Promise<RecordState[]> {
  const out: RecordState[] = []
  let start: { StartRecordName?: string; StartRecordType?: string; StartRecordIdentifier?: string } = {}
  for (;;) {
    const page = await ctx.aws.route53.listResourceRecordSets({ HostedZoneId: zoneId, MaxItems: 300, ...start } as never)
    for (const rs of page.ResourceRecordSets ?? []) out.push(toState(rs))
    if (!page.IsTruncated) return out
    start = {
      StartRecordName: page.NextRecordName,
      StartRecordType: page.NextRecordType,
      ...(page.NextRecordIdentifier ? { StartRecordIdentifier: page.NextRecordIdentifier } : {}),
    }
  }
}
