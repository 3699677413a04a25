/**
 * Kubernetes objects as item states. The k8s step types compare what they observe with what they
 * journaled by canonical JSON, so an item state must hold nothing the server changes on its own.
 *
 * The choice for applied objects: an item state is the live object *projected onto the fields the
 * manifest sets* (see {@link project}). Server-side apply claims exactly those fields for our field
 * manager; everything else on the object belongs to the server (uid, resourceVersion, generation,
 * managedFields, timestamps, status, defaults such as a container's imagePullPolicy) or to other
 * managers (an autoscaler's annotations), and must neither count as a change nor as drift.
 */
import type { KubeObject, KubeRef } from '../../runner/clients/kube-types.js'
import { kubeKey } from '../../runner/clients/kube-types.js'

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
export type JsonObject = { [k: string]: Json }

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The item key of an object: `k8s:` + kubeKey(ref). */
export function itemKey(ref: KubeRef): string {
  return `k8s:${kubeKey(ref)}`
}

/** Inverse of {@link itemKey}; the apiVersion may itself contain a slash (`apps/v1`). */
export function refOfKey(key: string): KubeRef {
  const parts = key.replace(/^k8s:/, '').split('/')
  if (parts.length < 4) throw new Error(`not a Kubernetes item key: ${key}`)
  const name = parts.pop() as string
  const namespace = parts.pop() as string
  const kind = parts.pop() as string
  const ref: KubeRef = { apiVersion: parts.join('/'), kind, name }
  if (namespace !== '_') ref.namespace = namespace
  return ref
}

export function refOf(obj: KubeObject): KubeRef {
  const ref: KubeRef = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name }
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace
  return ref
}

/** `Deployment shop/orders`, as messages and summaries name an object. */
export function describeRef(ref: KubeRef): string {
  return `${ref.kind} ${ref.namespace ? ref.namespace + '/' : ''}${ref.name}`
}

/**
 * The live value restricted to the shape of `shape`: object members that `shape` names and `live`
 * has, recursively; arrays element by element when both have the same length (containers, ports);
 * anything else is `live` itself, so a difference in kind or length shows as a difference.
 */
export function project(live: unknown, shape: unknown): unknown {
  if (isObject(shape)) {
    if (!isObject(live)) return live
    const out: JsonObject = {}
    for (const k of Object.keys(shape)) {
      if (live[k] !== undefined) out[k] = project(live[k], shape[k]) as Json
    }
    return out
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(live) || live.length !== shape.length) return live
    return live.map((x, i) => project(x, shape[i]))
  }
  return live
}

/** Leaf paths (dotted, `[i]` for array elements) whose values differ between two states. */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
    return keys.flatMap((k) => changedPaths(before[k], after[k], prefix ? `${prefix}.${k}` : k))
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((x, i) => changedPaths(x, after[i], `${prefix}[${i}]`))
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix || '(whole object)']
}

/** Kinds without a namespace, for defaulting the namespace of manifests. */
const clusterScoped = new Set([
  'Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume',
  'StorageClass', 'PriorityClass', 'IngressClass', 'APIService', 'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration', 'RuntimeClass', 'Node',
])

export function isClusterScoped(kind: string): boolean {
  return clusterScoped.has(kind)
}

/** Apply order: what others live in or refer to first; deletion runs it backwards. */
const firstKinds = ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'ConfigMap', 'Secret', 'Service']

export function applyRank(kind: string): number {
  const i = firstKinds.indexOf(kind)
  return i === -1 ? firstKinds.length : i
}

/**
 * JSON pointers of the outermost members `current` has and `wanted` lacks (objects recursively,
 * arrays of equal length element by element): what a restore must remove so that absent stays
 * absent, whatever the server's apply leaves behind when it prunes (e.g. emptied parents).
 */
export function extraPaths(current: unknown, wanted: unknown, prefix = ''): string[] {
  if (isObject(current) && isObject(wanted)) {
    return Object.keys(current).flatMap((k) => {
      const p = `${prefix}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`
      return wanted[k] === undefined ? [p] : extraPaths(current[k], wanted[k], p)
    })
  }
  if (Array.isArray(current) && Array.isArray(wanted) && current.length === wanted.length) {
    return current.flatMap((x, i) => extraPaths(x, wanted[i], `${prefix}/${i}`))
  }
  return []
}
