/**
 * The writing verbs: create (POST), update (PUT), patch (merge, JSON, strategic, server-side
 * apply) and delete. Each validates, checks preconditions (resourceVersion, existence, the
 * namespace) and, with `dryRun=All`, answers as if done while storing nothing (not even a
 * resourceVersion is used up).
 */
import type { StoredObject } from '../estate.js'
import type { SandboxCore, SandboxResponse } from '../types.js'
import { controllerStatus, keepStoredStatus, normalize, validate } from './lifecycle.js'
import { applyConfig, recordUpdate } from './managed.js'
import { kubeTime, stampCreated, stampUpdated } from './object-meta.js'
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js'
import { groupVersion, type ResourceType } from './resources.js'
import { alreadyExists, badRequest, conflict, deletedStatus, invalid, json, namespaceNotFound, notFound, unsupportedMediaType } from './status.js'
import { findObject, namespaceExists, putObject, removeObject } from './store.js'

export type WriteRequest = {
  sb: SandboxCore
  t: ResourceType
  namespace?: string
  name?: string
  subresource?: string
  body: unknown
  contentType: string
  dryRun: boolean
  manager: string | undefined
  force: boolean
}

const patchOptions: ResourceType = { group: 'meta.k8s.io', version: 'v1', resource: 'patchoptions', kind: 'PatchOptions', namespaced: false }
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Runs `fn`; with dryRun the resourceVersion counter is put back afterwards. */
function guarded<T>(r: WriteRequest, fn: () => T): T {
  const counter = r.sb.estate.kubernetes.resourceVersion
  try {
    return fn()
  } finally {
    if (r.dryRun) r.sb.estate.kubernetes.resourceVersion = counter
  }
}

/** The object in the body, with apiVersion, kind and namespace settled against the URL. */
function decodeObject(r: WriteRequest): StoredObject {
  if (!isObject(r.body)) throw badRequest('Object \'Kind\' is missing in the request body')
  const obj = structuredClone(r.body) as StoredObject
  const gv = groupVersion(r.t)
  if (obj.apiVersion !== undefined && obj.apiVersion !== gv) throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${gv})`)
  if (obj.kind !== undefined && obj.kind !== r.t.kind) throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${r.t.kind})`)
  obj.apiVersion = gv
  obj.kind = r.t.kind
  obj.metadata = isObject(obj.metadata) ? obj.metadata : ({} as StoredObject['metadata'])
  if (r.t.namespaced) {
    if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== r.namespace)
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request')
    obj.metadata.namespace = r.namespace
  } else delete obj.metadata.namespace
  return obj
}

function requireNamespace(r: WriteRequest): void {
  if (r.t.namespaced && !namespaceExists(r.sb, r.namespace ?? '')) throw namespaceNotFound(r.namespace ?? '')
}

function store(r: WriteRequest, obj: StoredObject): void {
  if (!r.dryRun) putObject(r.sb, r.t, obj)
}

export function create(r: WriteRequest): SandboxResponse {
  return guarded(r, () => {
    const obj = decodeObject(r)
    if (!obj.metadata.name && typeof obj.metadata.generateName === 'string')
      obj.metadata.name = `${obj.metadata.generateName}${(r.sb.estate.kubernetes.resourceVersion + 1).toString(36).padStart(5, 'x')}`
    validate(r.t, obj)
    requireNamespace(r)
    if (findObject(r.sb, r.t, r.namespace, obj.metadata.name)) throw alreadyExists(r.t, obj.metadata.name)
    delete obj.metadata.managedFields
    normalize(r.t, obj)
    keepStoredStatus(r.t, null, obj)
    stampCreated(obj, r.sb)
    recordUpdate(null, obj, r.manager ?? 'unknown', kubeTime(r.sb.time.now()), !!r.t.statusSubresource)
    controllerStatus(r.t, null, obj, r.sb)
    store(r, obj)
    return json(201, obj)
  })
}

/** Stores `next` as the new state of `prev` (stamped, status settled); unchanged objects stay as they are. */
function commit(r: WriteRequest, prev: StoredObject, next: StoredObject, recordManager: boolean): StoredObject {
  next.apiVersion = groupVersion(r.t)
  next.metadata.name = prev.metadata.name
  if (r.t.namespaced) next.metadata.namespace = prev.metadata.namespace
  const rv = next.metadata.resourceVersion
  if (rv !== undefined && rv !== '' && rv !== prev.metadata.resourceVersion) throw conflict(r.t, prev.metadata.name)
  if (r.subresource === 'status') {
    const status = next.status
    next = structuredClone(prev)
    next.status = status
  } else keepStoredStatus(r.t, prev, next)
  validate(r.t, next)
  normalize(r.t, next)
  if (recordManager) {
    next.metadata.managedFields = prev.metadata.managedFields
    recordUpdate(prev, next, r.manager ?? 'unknown', kubeTime(r.sb.time.now()), !!r.t.statusSubresource)
  }
  if (!stampUpdated(prev, next, r.sb)) return prev
  controllerStatus(r.t, prev, next, r.sb)
  store(r, next)
  return next
}

export function update(r: WriteRequest): SandboxResponse {
  return guarded(r, () => {
    const obj = decodeObject(r)
    if (obj.metadata.name !== r.name) throw badRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${r.name})`)
    requireNamespace(r)
    const prev = findObject(r.sb, r.t, r.namespace, r.name!)
    if (!prev) throw notFound(r.t, r.name!)
    return json(200, commit(r, prev, obj, true))
  })
}

function patchedObject(r: WriteRequest, prev: StoredObject): StoredObject {
  const type = r.contentType
  if (type === 'application/merge-patch+json') {
    if (!isObject(r.body)) throw badRequest('json: cannot unmarshal into Go value of type map[string]interface {}')
    return mergePatch(prev, r.body) as StoredObject
  }
  if (type === 'application/json-patch+json') return jsonPatch(prev, r.body) as StoredObject
  if (type === 'application/strategic-merge-patch+json') {
    if (r.t.crd) throw unsupportedMediaType(type)
    if (!isObject(r.body)) throw badRequest('json: cannot unmarshal into Go value of type map[string]interface {}')
    return strategicMergePatch(prev, r.body) as StoredObject
  }
  throw unsupportedMediaType(type)
}

export function patch(r: WriteRequest): SandboxResponse {
  return guarded(r, () => {
    const apply = r.contentType === 'application/apply-patch+yaml'
    if (apply && !r.manager)
      throw invalid(patchOptions, '', [{ field: 'fieldManager', type: 'Required value', detail: 'is required for apply patch' }])
    if (!apply && r.force)
      throw invalid(patchOptions, '', [{ field: 'force', type: 'Forbidden', detail: 'may not be specified for non-apply patch' }])
    requireNamespace(r)
    const prev = findObject(r.sb, r.t, r.namespace, r.name!)
    if (!apply) {
      if (!prev) throw notFound(r.t, r.name!)
      return json(200, commit(r, prev, patchedObject(r, prev), true))
    }
    const config = decodeObject(r)
    if (config.metadata.name !== r.name) throw badRequest(`the name of the object (${config.metadata.name ?? ''}) does not match the name on the URL (${r.name})`)
    delete config.metadata.managedFields
    const now = kubeTime(r.sb.time.now())
    const skipStatus = !!r.t.statusSubresource && r.subresource !== 'status'
    if (!prev) {
      if (r.subresource) throw notFound(r.t, r.name!)
      validate(r.t, config)
      const obj = applyConfig(null, config, r.manager!, r.force, now, skipStatus)
      keepStoredStatus(r.t, null, obj)
      stampCreated(obj, r.sb)
      controllerStatus(r.t, null, obj, r.sb)
      store(r, obj)
      return json(201, obj)
    }
    const next = applyConfig(prev, config, r.manager!, r.force, now, skipStatus)
    return json(200, commit(r, prev, next, false))
  })
}

/** Deletes the object and what it owns (garbage collection), or a namespace and its contents. */
export function remove(r: WriteRequest): SandboxResponse {
  const prev = findObject(r.sb, r.t, r.namespace, r.name!)
  if (!prev) throw notFound(r.t, r.name!)
  const pre = isObject(r.body) && isObject(r.body.preconditions) ? r.body.preconditions : {}
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== prev.metadata.resourceVersion) throw conflict(r.t, prev.metadata.name)
  if (pre.uid !== undefined && pre.uid !== prev.metadata.uid) throw conflict(r.t, prev.metadata.name)
  if (!r.dryRun) {
    removeObject(r.sb, prev)
    collectGarbage(r.sb, prev)
  }
  if (r.t.kind === 'Namespace') {
    const gone = structuredClone(prev)
    gone.metadata.deletionTimestamp = kubeTime(r.sb.time.now())
    gone.status = { phase: 'Terminating' }
    return json(200, gone)
  }
  return deletedStatus(r.t, prev.metadata.name, prev.metadata.uid)
}

function collectGarbage(sb: SandboxCore, deleted: StoredObject): void {
  const objects = sb.estate.kubernetes.objects
  const owned = objects.filter(
    (o) =>
      (deleted.kind === 'Namespace' && deleted.apiVersion === 'v1' && o.metadata.namespace === deleted.metadata.name) ||
      ((o.metadata.ownerReferences as Array<{ uid: string }> | undefined) ?? []).some((ref) => ref.uid === deleted.metadata.uid),
  )
  for (const o of owned) {
    removeObject(sb, o)
    collectGarbage(sb, o)
  }
}
