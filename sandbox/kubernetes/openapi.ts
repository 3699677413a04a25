/**
 * A minimal OpenAPI v3 surface: the `/openapi/v3` index and one document per group version that
 * lists the PATCH operation of each resource with its `x-kubernetes-group-version-kind`, its
 * query parameters (`fieldValidation` among them) and the patch media types it accepts. That is
 * what kubectl reads to learn that the server validates fields itself, so `kubectl apply`
 * (client-side and `--server-side`) works without a full schema. No strategic-merge media type
 * is advertised, so kubectl computes client-side apply patches from its built-in types.
 * `/openapi/v2` is not served (404).
 */
import type { SandboxResponse } from '../types.js'
import { apiGroups, groupVersion, resourceTypes } from './resources.js'
import { json, pathNotFound } from './status.js'

const gvPath = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`)
const HASH = 'SANDBOX0000000001'

function index(): SandboxResponse {
  const paths: Record<string, { serverRelativeURL: string }> = {}
  for (const g of apiGroups()) for (const v of g.versions) paths[gvPath(g.group, v)] = { serverRelativeURL: `/openapi/v3/${gvPath(g.group, v)}?hash=${HASH}` }
  return json(200, { paths })
}

const QUERY = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map((name) => ({ name, in: 'query', schema: { type: name === 'force' ? 'boolean' : 'string' }, uniqueItems: true }))

function document(group: string, version: string): SandboxResponse | null {
  const types = resourceTypes.filter((t) => t.group === group && t.version === version && !t.derived)
  if (types.length === 0 && !apiGroups().some((g) => g.group === group && g.versions.includes(version))) return null
  const paths: Record<string, unknown> = {}
  for (const t of types) {
    const base = `/${gvPath(group, version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}/{name}`
    const media = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']
    paths[base] = {
      patch: {
        operationId: `patch${t.kind}`,
        parameters: QUERY,
        requestBody: { content: Object.fromEntries(media.map((m) => [m, { schema: { type: 'object' } }])), required: true },
        responses: { '200': { description: 'OK' }, '201': { description: 'Created' } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group, version, kind: t.kind },
      },
    }
  }
  return json(200, {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
    'x-group-version': groupVersion({ group, version }),
  })
}

/** Answers `/openapi/v3[/api/v1 | /apis/<group>/<version>]`; everything else is 404. */
export function openapi(path: string): SandboxResponse {
  const p = path.replace(/\/+$/, '')
  if (p === '/openapi/v3') return index()
  const core = /^\/openapi\/v3\/api\/([^/]+)$/.exec(p)
  const named = /^\/openapi\/v3\/apis\/([^/]+)\/([^/]+)$/.exec(p)
  const doc = core ? document('', core[1]) : named ? document(named[1], named[2]) : null
  return doc ?? pathNotFound().toResponse()
}
