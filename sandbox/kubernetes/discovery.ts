/**
 * Discovery documents: `/version`, `/api` (APIVersions), `/apis` (APIGroupList), `/apis/<group>`,
 * and the APIResourceList of each group version. Clients that ask for the aggregated discovery
 * form get the plain one with `Content-Type: application/json`, which client-go and kubectl
 * accept as their fallback. OpenAPI: see openapi.ts.
 */
import type { SandboxResponse } from '../types.js'
import { apiGroups, groupVersion, resourceTypes, verbsOf } from './resources.js'
import { openapi } from './openapi.js'
import { hasScale } from './scale.js'
import { json, pathNotFound } from './status.js'
import type { KubeRoute } from './route.js'

export const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-switchover-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
}

function groupDoc(group: string, versions: string[]) {
  const vs = versions.map((version) => ({ groupVersion: groupVersion({ group, version }), version }))
  return { name: group, versions: vs, preferredVersion: vs[0] }
}

function resourceList(group: string, version: string) {
  const types = resourceTypes.filter((t) => t.group === group && t.version === version)
  if (types.length === 0) return null
  const resources = types.flatMap((t) => {
    const main = {
      name: t.resource,
      singularName: t.kind.toLowerCase(),
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: verbsOf(t),
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      storageVersionHash: Buffer.from(`${t.group}/${t.resource}`).toString('base64').slice(0, 11),
    }
    const status = { name: `${t.resource}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] }
    const scale = { name: `${t.resource}/scale`, singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] }
    return [main, ...(t.statusSubresource ? [status] : []), ...(hasScale(t.kind) ? [scale] : [])]
  })
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources }
}

/** Answers a discovery route, or null when the route is not a discovery document. */
export function discovery(route: KubeRoute, host: string): SandboxResponse | null {
  switch (route.kind) {
    case 'version':
      return json(200, serverVersion)
    case 'api':
      return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] })
    case 'apis':
      return json(200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: apiGroups().filter((g) => g.group !== '').map((g) => groupDoc(g.group, g.versions)),
      })
    case 'group': {
      const g = apiGroups().find((x) => x.group === route.group && x.group !== '')
      return g ? json(200, { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g.group, g.versions) }) : pathNotFound().toResponse()
    }
    case 'groupVersion': {
      const list = resourceList(route.group, route.version)
      return list ? json(200, list) : pathNotFound().toResponse()
    }
    case 'openapi':
      return openapi(route.path)
    default:
      return null
  }
}
