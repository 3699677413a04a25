/**
 * The Kubernetes objects of the estate (`estate.kubernetes.objects`), looked up by type,
 * namespace and name. Every mutation of the object list goes through here.
 */
import type { StoredObject } from '../estate.js'
import type { SandboxCore } from '../types.js'
import type { ResourceType } from './resources.js'
import { groupVersion } from './resources.js'

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '')

/** Same kind and group: a custom resource's object is one object at each version it is served in. */
const sameType = (t: ResourceType) => (o: StoredObject) =>
  o.kind === t.kind && (t.crd ? groupOf(o.apiVersion) === t.group : o.apiVersion === groupVersion(t))

export function findObject(sb: SandboxCore, t: ResourceType, namespace: string | undefined, name: string): StoredObject | undefined {
  const is = sameType(t)
  return sb.estate.kubernetes.objects.find((o) => is(o) && o.metadata.name === name && (o.metadata.namespace ?? undefined) === (t.namespaced ? namespace : undefined))
}

/** Objects of a type, in one namespace or (namespace undefined) all, ordered like etcd keys. */
export function listObjects(sb: SandboxCore, t: ResourceType, namespace?: string): StoredObject[] {
  const is = sameType(t)
  return sb.estate.kubernetes.objects
    .filter((o) => is(o) && (namespace === undefined || o.metadata.namespace === namespace))
    .sort((a, b) => {
      const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`
      const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`
      return ka < kb ? -1 : ka > kb ? 1 : 0
    })
}

/** Inserts or replaces (same type, namespace and name). */
export function putObject(sb: SandboxCore, t: ResourceType, obj: StoredObject): void {
  const objects = sb.estate.kubernetes.objects
  const old = findObject(sb, t, obj.metadata.namespace, obj.metadata.name)
  if (old) objects[objects.indexOf(old)] = obj
  else objects.push(obj)
}

export function removeObject(sb: SandboxCore, obj: StoredObject): void {
  const objects = sb.estate.kubernetes.objects
  const i = objects.indexOf(obj)
  if (i >= 0) objects.splice(i, 1)
}

export function namespaceExists(sb: SandboxCore, ns: string): boolean {
  return sb.estate.kubernetes.objects.some((o) => o.kind === 'Namespace' && o.apiVersion === 'v1' && o.metadata.name === ns)
}
