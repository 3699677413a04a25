/**
 * The reading verbs: get one object and list a collection (label and field selectors, in one
 * namespace or across all). Lists carry the current resourceVersion and, like the real API
 * server's JSON, items without apiVersion and kind.
 */
import type { StoredObject } from '../estate.js'
import type { SandboxCore, SandboxResponse } from '../types.js'
import { derivedObjects } from './endpoints.js'
import { groupVersion, type ResourceType } from './resources.js'
import { parseFieldSelector, parseLabelSelector } from './selectors.js'
import { json, namespaceNotFound, notFound } from './status.js'
import { findObject, listObjects, namespaceExists } from './store.js'

function collection(sb: SandboxCore, t: ResourceType, namespace?: string): StoredObject[] {
  return t.derived ? derivedObjects(sb, t.kind, namespace) : listObjects(sb, t, namespace)
}

export function getObject(sb: SandboxCore, t: ResourceType, namespace: string | undefined, name: string): SandboxResponse {
  const obj = t.derived
    ? collection(sb, t, namespace).find((o) => o.metadata.name === name)
    : findObject(sb, t, namespace, name)
  if (!obj) {
    if (t.namespaced && !namespaceExists(sb, namespace ?? '')) throw namespaceNotFound(namespace ?? '')
    throw notFound(t, name)
  }
  // A custom resource is answered at the version asked for (conversion strategy None).
  return json(200, obj.apiVersion === groupVersion(t) ? obj : { ...obj, apiVersion: groupVersion(t) })
}

export function listCollection(sb: SandboxCore, t: ResourceType, namespace: string | undefined, query: URLSearchParams): SandboxResponse {
  const labels = query.get('labelSelector')
  const fields = query.get('fieldSelector')
  const byLabels = labels ? parseLabelSelector(labels) : null
  const byFields = fields ? parseFieldSelector(fields) : null
  const items = collection(sb, t, namespace)
    .filter((o) => !byLabels || byLabels((o.metadata.labels as Record<string, string> | undefined) ?? {}))
    .filter((o) => !byFields || byFields(o))
    .map(({ apiVersion: _a, kind: _k, ...rest }) => rest)
  return json(200, {
    kind: `${t.kind}List`,
    apiVersion: groupVersion(t),
    metadata: { resourceVersion: String(sb.estate.kubernetes.resourceVersion) },
    items,
  })
}
