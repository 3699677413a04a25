/**
 * `sandbox dump`: the estate as a canonical, sorted JSON value. What it leaves out is what a
 * run and its rollback may legitimately change: server-managed Kubernetes metadata and status,
 * Route 53 change records, schedule timestamps and the virtual time. Jobs, Events and the cron
 * ledger appear only with `ledger`.
 */
import { canonicalize } from '../runner/canonical.js'
import type { Estate, KubeStore, RegionalEstate, StoredObject } from './estate.js'
import { compareRecordSets } from './route53/order.js'

const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'managedFields', 'creationTimestamp', 'deletionTimestamp', 'selfLink']
const LEDGER_KINDS = new Set(['Job', 'Event'])

const byKey = <T>(key: (v: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)

/** The Kubernetes object as a user wrote it: no server-managed metadata, no status. */
export function userObject(obj: StoredObject): StoredObject {
  const { status: _status, ...rest } = obj
  const metadata = { ...obj.metadata }
  for (const k of SERVER_METADATA) delete metadata[k]
  return { ...rest, metadata }
}

export function dumpEstate(estate: Estate, opts: { ledger?: boolean } = {}): unknown {
  const { ecs, events, scheduler } = dumpRegion(estate)
  const out = {
    account: estate.account,
    region: estate.region,
    route53: {
      zones: estate.route53.zones
        .map((z) => ({ ...z, RecordSets: [...z.RecordSets].sort(compareRecordSets) }))
        .sort(byKey((z) => `${z.Name} ${z.Id}`)),
    },
    ecs,
    events,
    scheduler,
    kubernetes: dumpKube(estate.kubernetes, opts),
    cloudwatch: {
      alarms: (estate.cloudwatch?.alarms ?? []).map((a) => ({ AlarmName: a.AlarmName, StateValue: a.StateValue })).sort(byKey((a) => a.AlarmName)),
    },
    // Further regions and clusters appear only in estates that have them.
    ...(estate.regions ? { regions: Object.fromEntries(Object.entries(estate.regions).map(([r, v]) => [r, dumpRegion(v)])) } : {}),
    ...(estate.cluster !== undefined ? { cluster: estate.cluster } : {}),
    ...(estate.clusters ? { clusters: Object.fromEntries(Object.entries(estate.clusters).map(([c, k]) => [c, dumpKube(k, opts)])) } : {}),
    ...(opts.ledger ? { ledger: [...estate.ledger].sort(byKey((l) => `${l.scheduledAt} ${l.job} ${l.platform} ${l.launchedAt}`)) } : {}),
  }
  return canonicalize(out)
}

function dumpKube(store: KubeStore, opts: { ledger?: boolean }) {
  const objects = store.objects
    .filter((o) => opts.ledger || !LEDGER_KINDS.has(o.kind))
    .map(userObject)
    .sort(byKey((o) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`))
  return { objects }
}

function dumpRegion(estate: RegionalEstate) {
  return {
    ecs: {
      clusters: estate.ecs.clusters
        .map((c) => ({
          clusterName: c.clusterName,
          clusterArn: c.clusterArn,
          services: c.services.map((s) => ({ serviceName: s.serviceName, desiredCount: s.desiredCount, status: s.status })).sort(byKey((s) => s.serviceName)),
        }))
        .sort(byKey((c) => c.clusterName)),
    },
    events: {
      rules: estate.events.rules
        .map((r) => ({ ...r, Targets: [...r.Targets].sort(byKey((t) => t.Id)) }))
        .sort(byKey((r) => `${r.EventBusName} ${r.Name}`)),
    },
    scheduler: {
      groups: [...estate.scheduler.groups].sort(),
      schedules: estate.scheduler.schedules
        .map(({ CreationDate: _c, LastModificationDate: _m, ...s }) => s)
        .sort(byKey((s) => `${s.GroupName} ${s.Name}`)),
    },
  }
}
