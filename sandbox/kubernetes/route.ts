/**
 * What a Kubernetes API path addresses: discovery documents, or a resource collection or object
 * (`/api/v1/namespaces/shop/services/orders`, `/apis/apps/v1/deployments`, ...).
 */
import type { ResourceType } from './resources.js'
import { findResource } from './resources.js'

export type KubeRoute =
  | { kind: 'version' }
  | { kind: 'api' } // /api
  | { kind: 'apis' } // /apis
  | { kind: 'group'; group: string } // /apis/apps
  | { kind: 'groupVersion'; group: string; version: string } // /api/v1, /apis/apps/v1
  | { kind: 'openapi'; path: string }
  | { kind: 'resource'; type: ResourceType; namespace?: string; name?: string; subresource?: string }
  | { kind: 'unknown' }

/** `/api/...` and `/apis/...`, `/version`, `/openapi/...`: the paths this handler answers. */
export function isKubePath(path: string): boolean {
  return /^\/(api|apis|version|openapi)(\/|$)/.test(path)
}

export function parseRoute(path: string): KubeRoute {
  const segs = path.split('/').filter((s) => s.length > 0).map(decodeURIComponent)
  if (segs[0] === 'version') return { kind: 'version' }
  if (segs[0] === 'openapi') return { kind: 'openapi', path }
  let group: string
  let version: string
  let rest: string[]
  if (segs[0] === 'api') {
    if (segs.length === 1) return { kind: 'api' }
    ;[group, version, rest] = ['', segs[1], segs.slice(2)]
  } else if (segs[0] === 'apis') {
    if (segs.length === 1) return { kind: 'apis' }
    if (segs.length === 2) return { kind: 'group', group: segs[1] }
    ;[group, version, rest] = [segs[1], segs[2], segs.slice(3)]
  } else return { kind: 'unknown' }
  if (rest.length === 0) return { kind: 'groupVersion', group, version }

  let namespace: string | undefined
  // /namespaces/{ns}/{resource}...; but /namespaces/{name}[/status|finalize] is the namespace itself
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && ['status', 'finalize'].includes(rest[2]))) {
    namespace = rest[1]
    rest = rest.slice(2)
  }
  const type = findResource(group, version, rest[0])
  if (!type || rest.length > 3 || (namespace !== undefined && !type.namespaced)) return { kind: 'unknown' }
  return { kind: 'resource', type, namespace, name: rest[1], subresource: rest[2] }
}
