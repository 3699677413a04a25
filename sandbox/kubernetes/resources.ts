/**
 * The resource types the sandbox's Kubernetes API serves, as discovery describes them.
 * Everything else in the Kubernetes handler looks types up here, so adding a kind is one entry.
 */

export type ResourceType = {
  group: string // '' for the core group
  version: string
  resource: string // plural, as in URLs
  kind: string
  namespaced: boolean
  shortNames?: string[]
  /** Status is a subresource: writes to the main resource keep the stored status. */
  statusSubresource?: boolean
  /** Read-only, derived from other objects (endpoints). */
  derived?: boolean
  /**
   * A custom resource: no strategic merge patch. One object is served at every version of its
   * group and kind (conversion strategy None: only apiVersion changes between versions).
   */
  crd?: boolean
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
const READ_VERBS = ['get', 'list', 'watch']

export const resourceTypes: ResourceType[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'], statusSubresource: true },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true, shortNames: ['svc'], statusSubresource: true },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', namespaced: true, shortNames: ['ep'], derived: true },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], statusSubresource: true },
  { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true, shortNames: ['sts'], statusSubresource: true },
  { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', namespaced: true, shortNames: ['cj'], statusSubresource: true },
  { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true, statusSubresource: true },
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true },
  { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true, derived: true },
  // SMI TrafficSplit: v1alpha1 (weights as quantities) to v1alpha4 (matches on HTTPRouteGroups); v1alpha2 preferred.
  ...['v1alpha2', 'v1alpha1', 'v1alpha3', 'v1alpha4'].map((version): ResourceType => (
    { group: 'split.smi-spec.io', version, resource: 'trafficsplits', kind: 'TrafficSplit', namespaced: true, shortNames: ['ts'], crd: true })),
  // Gateway API HTTPRoute (standard channel): v1, and v1beta1 still served.
  ...['v1', 'v1beta1'].map((version): ResourceType => (
    { group: 'gateway.networking.k8s.io', version, resource: 'httproutes', kind: 'HTTPRoute', namespaced: true, statusSubresource: true, crd: true })),
]

export function verbsOf(t: ResourceType): string[] {
  return t.derived ? READ_VERBS : ALL_VERBS
}

/** `apps/v1`, or `v1` for the core group. */
export function groupVersion(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version
}

export function findResource(group: string, version: string, resource: string): ResourceType | undefined {
  return resourceTypes.find((t) => t.group === group && t.version === version && t.resource === resource)
}

export function findKind(apiVersion: string, kind: string): ResourceType | undefined {
  return resourceTypes.find((t) => groupVersion(t) === apiVersion && t.kind === kind)
}

/** Groups in discovery order (core first), each with its versions. */
export function apiGroups(): Array<{ group: string; versions: string[] }> {
  const out: Array<{ group: string; versions: string[] }> = []
  for (const t of resourceTypes) {
    const g = out.find((x) => x.group === t.group)
    if (!g) out.push({ group: t.group, versions: [t.version] })
    else if (!g.versions.includes(t.version)) g.versions.push(t.version)
  }
  return out
}

/** `deployments.apps`, or `services` for the core group, as error messages name a resource. */
export function qualifiedResource(t: ResourceType): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource
}
