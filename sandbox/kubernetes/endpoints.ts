/**
 * Endpoints and EndpointSlices, derived on read from Services and the ready replicas of the
 * Deployments and StatefulSets whose pod template labels the Service's selector matches. They are
 * never stored, so they can never disagree with the workloads' status.
 */
import { createHash } from 'node:crypto'
import type { StoredObject } from '../estate.js'
import type { SandboxCore } from '../types.js'
import { findResource } from './resources.js'
import { matchesSelectorObject } from './selectors.js'
import { listObjects } from './store.js'

type Address = { ip: string; targetRef: { kind: 'Pod'; namespace: string; name: string } }

const serviceType = findResource('', 'v1', 'services')!

function readyAddresses(sb: SandboxCore, svc: StoredObject): Address[] {
  const selector = (svc.spec as { selector?: Record<string, string> } | undefined)?.selector
  if (!selector || Object.keys(selector).length === 0) return []
  const ns = svc.metadata.namespace ?? 'default'
  const out: Address[] = []
  const workloads = sb.estate.kubernetes.objects.filter(
    (o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.apiVersion === 'apps/v1' && o.metadata.namespace === ns,
  )
  for (const w of workloads) {
    const labels = ((w.spec as { template?: { metadata?: { labels?: Record<string, string> } } })?.template?.metadata?.labels ?? {})
    if (!matchesSelectorObject(selector, labels)) continue
    const ready = Number((w.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0)
    for (let i = 0; i < ready; i++) {
      const n = out.length + 1
      out.push({ ip: `10.244.${Math.floor(n / 250)}.${(n % 250) + 2}`, targetRef: { kind: 'Pod', namespace: ns, name: `${w.metadata.name}-${i}` } })
    }
  }
  return out
}

type SvcPort = { name?: string; port: number; targetPort?: number | string; protocol?: string }

function ports(svc: StoredObject): Array<{ name?: string; port: number; protocol: string }> {
  const list = ((svc.spec as { ports?: SvcPort[] } | undefined)?.ports ?? [])
  return list.map((p) => ({
    ...(p.name ? { name: p.name } : {}),
    port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
    protocol: p.protocol ?? 'TCP',
  }))
}

function meta(svc: StoredObject, name: string, labels?: Record<string, string>) {
  return {
    name,
    namespace: svc.metadata.namespace,
    uid: createHash('sha256').update(`${String(svc.metadata.uid)}/${name}`).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5'),
    resourceVersion: svc.metadata.resourceVersion,
    creationTimestamp: svc.metadata.creationTimestamp,
    labels: { ...((svc.metadata.labels as Record<string, string>) ?? {}), ...labels },
  }
}

export function endpointsFor(sb: SandboxCore, svc: StoredObject): StoredObject {
  const addresses = readyAddresses(sb, svc)
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: meta(svc, svc.metadata.name),
    subsets: addresses.length > 0 ? [{ addresses, ports: ports(svc) }] : [],
  }
}

export function endpointSliceFor(sb: SandboxCore, svc: StoredObject): StoredObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: meta(svc, `${svc.metadata.name}-sbx`, {
      'kubernetes.io/service-name': svc.metadata.name,
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    }),
    addressType: 'IPv4',
    endpoints: readyAddresses(sb, svc).map((a) => ({
      addresses: [a.ip],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: a.targetRef,
    })),
    ports: ports(svc),
  }
}

/** The derived objects of `kind` in a namespace (or all namespaces). */
export function derivedObjects(sb: SandboxCore, kind: string, namespace?: string): StoredObject[] {
  const services = listObjects(sb, serviceType, namespace)
  return services.map((s) => (kind === 'Endpoints' ? endpointsFor(sb, s) : endpointSliceFor(sb, s)))
}
