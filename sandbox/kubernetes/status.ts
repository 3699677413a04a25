/**
 * Kubernetes `Status` answers, shaped exactly like the real API server's (kind Status,
 * apiVersion v1, empty metadata, reason, details, code), so clients decode them as they would
 * decode a real cluster's errors.
 */
import type { SandboxResponse } from '../types.js'
import type { ResourceType } from './resources.js'
import { qualifiedResource } from './resources.js'

export type StatusDetails = { name?: string; group?: string; kind?: string; causes?: Array<Record<string, string>> }

/** A failure to answer with a Status body; thrown inside the handler, caught at its edge. */
export class KubeStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message)
    this.name = 'KubeStatusError'
  }

  toResponse(): SandboxResponse {
    const body: Record<string, unknown> = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
    }
    if (this.details) body.details = this.details
    body.code = this.code
    return json(this.code, body)
  }
}

export function json(status: number, body: unknown): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
}

function details(t: ResourceType, name: string): StatusDetails {
  return t.group ? { name, group: t.group, kind: t.resource } : { name, kind: t.resource }
}

export function notFound(t: ResourceType, name: string): KubeStatusError {
  return new KubeStatusError(404, 'NotFound', `${qualifiedResource(t)} "${name}" not found`, details(t, name))
}

export function namespaceNotFound(ns: string): KubeStatusError {
  return new KubeStatusError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' })
}

export function alreadyExists(t: ResourceType, name: string): KubeStatusError {
  return new KubeStatusError(409, 'AlreadyExists', `${qualifiedResource(t)} "${name}" already exists`, details(t, name))
}

export function conflict(t: ResourceType, name: string): KubeStatusError {
  return new KubeStatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(t, name),
  )
}

export function badRequest(message: string): KubeStatusError {
  return new KubeStatusError(400, 'BadRequest', message)
}

const causeReasons: Record<string, string> = {
  'Required value': 'FieldValueRequired',
  'Invalid value': 'FieldValueInvalid',
  'Unsupported value': 'FieldValueNotSupported',
  'Forbidden': 'FieldValueForbidden',
}

export type InvalidCause = { field: string; type: 'Required value' | 'Invalid value' | 'Unsupported value' | 'Forbidden'; value?: unknown; detail: string }

/** 422 Invalid, e.g. `Deployment.apps "x" is invalid: metadata.name: Required value: ...`. */
export function invalid(t: ResourceType, name: string, causes: InvalidCause[]): KubeStatusError {
  const text = (c: InvalidCause) => (c.type === 'Invalid value' ? `Invalid value: ${JSON.stringify(c.value)}: ${c.detail}` : `${c.type}: ${c.detail}`)
  const list = causes.map((c) => `${c.field}: ${text(c)}`)
  const kindGroup = t.group ? `${t.kind}.${t.group}` : t.kind
  const d: StatusDetails = { name, ...(t.group ? { group: t.group } : {}), kind: t.kind }
  d.causes = causes.map((c) => ({ reason: causeReasons[c.type] ?? 'FieldValueInvalid', message: text(c), field: c.field }))
  return new KubeStatusError(422, 'Invalid', `${kindGroup} "${name}" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`, d)
}

export function methodNotAllowed(): KubeStatusError {
  return new KubeStatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource')
}

export function pathNotFound(): KubeStatusError {
  return new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource')
}

export function unsupportedMediaType(type: string): KubeStatusError {
  return new KubeStatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json; got ${type}`)
}

/** 415 for a create/update body in a media type the resource does not take (protobuf for a custom resource). */
export function unsupportedBodyType(): KubeStatusError {
  return new KubeStatusError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml')
}

/** The answer to a successful delete when the object is gone at once. */
export function deletedStatus(t: ResourceType, name: string, uid: unknown): SandboxResponse {
  return json(200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { ...details(t, name), uid },
  })
}
