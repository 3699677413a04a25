/** Route 53 response shapes: estate objects rendered as the API's XML elements. */
import type { HostedZone, RecordSet, Route53Change } from '../estate.js'
import type { XmlOut } from './xml.js'

export function recordSetXml(rs: RecordSet): XmlOut {
  const geo = rs.GeoLocation as Record<string, string> | undefined
  return [
    'ResourceRecordSet',
    [
      ['Name', rs.Name],
      ['Type', rs.Type],
      ['SetIdentifier', rs.SetIdentifier],
      ['Weight', rs.Weight],
      ['Region', rs.Region as string | undefined],
      ['GeoLocation', geo ? Object.entries(geo).map(([k, v]): XmlOut => [k, v]) : undefined],
      ['Failover', rs.Failover as string | undefined],
      ['MultiValueAnswer', rs.MultiValueAnswer as boolean | undefined],
      ['TTL', rs.TTL],
      ['ResourceRecords', rs.ResourceRecords?.map((r): XmlOut => ['ResourceRecord', [['Value', r.Value]]])],
      [
        'AliasTarget',
        rs.AliasTarget && [
          ['HostedZoneId', rs.AliasTarget.HostedZoneId],
          ['DNSName', rs.AliasTarget.DNSName],
          ['EvaluateTargetHealth', rs.AliasTarget.EvaluateTargetHealth],
        ],
      ],
      ['HealthCheckId', rs.HealthCheckId],
    ],
  ]
}

export function hostedZoneXml(z: HostedZone): XmlOut {
  return [
    'HostedZone',
    [
      ['Id', `/hostedzone/${z.Id}`],
      ['Name', z.Name],
      ['CallerReference', z.CallerReference],
      ['Config', [['Comment', z.Config.Comment], ['PrivateZone', z.Config.PrivateZone]]],
      ['ResourceRecordSetCount', z.RecordSets.length],
    ],
  ]
}

export function changeInfoXml(c: Route53Change, now: number): XmlOut {
  return [
    'ChangeInfo',
    [
      ['Id', `/change/${c.Id}`],
      ['Status', now >= Date.parse(c.InsyncAt) ? 'INSYNC' : 'PENDING'],
      ['SubmittedAt', c.SubmittedAt],
      ['Comment', c.Comment],
    ],
  ]
}

/** A hosted zone id as a request names it: bare, or with the `/hostedzone/` prefix. */
export function bareZoneId(id: string): string {
  return decodeURIComponent(id).replace(/^\/?hostedzone\//, '')
}
