/**
 * The Kubernetes API server of the sandbox: routes `/api`, `/apis`, `/version` and `/openapi`
 * requests to discovery or to the verbs, and answers every failure with a real Status body.
 *
 * Operation names (calls log, fault rules): `version`, `discovery`, `openapi`, and
 * `<verb> <resource>[/<subresource>]` with verb one of get, list, create, update, patch, apply
 * (a server-side apply patch), delete — e.g. `apply deployments`, `patch cronjobs`,
 * `update deployments/status`. Writes are `mutating` unless they carry `dryRun=All`.
 *
 * Media types: bodies in JSON (YAML for apply), or protobuf for built-in kinds; answers in JSON,
 * or protobuf when the client's Accept header asks for it first (protobuf-wire.ts).
 */
import { parse as parseYaml } from 'yaml'
import type { InjectedError, Operation, SandboxCore, SandboxRequest, SandboxResponse, ServiceHandler } from '../types.js'
import { discovery } from './discovery.js'
import { listCollection, getObject } from './read.js'
import { decodeProtobuf, encodeProtobuf, negotiate, PROTOBUF, type Format } from './protobuf-wire.js'
import { isBuiltIn } from './protobuf-schema.js'
import { groupVersion, type ResourceType } from './resources.js'
import { isKubePath, parseRoute, type KubeRoute } from './route.js'
import { badRequest, json, KubeStatusError, methodNotAllowed, pathNotFound, unsupportedBodyType, unsupportedMediaType } from './status.js'
import { getScale, hasScale, writeScale } from './scale.js'
import { create, patch, remove, update, type WriteRequest } from './write.js'

type Verb = 'get' | 'list' | 'create' | 'update' | 'patch' | 'apply' | 'delete'

const contentTypeOf = (req: SandboxRequest) => String(req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase()

function verbOf(req: SandboxRequest, route: Extract<KubeRoute, { kind: 'resource' }>): Verb | null {
  switch (req.method) {
    case 'GET':
      return route.name === undefined ? 'list' : 'get'
    case 'POST':
      return route.name === undefined ? 'create' : null
    case 'PUT':
      return route.name === undefined ? null : 'update'
    case 'PATCH':
      return route.name === undefined ? null : contentTypeOf(req) === 'application/apply-patch+yaml' ? 'apply' : 'patch'
    case 'DELETE':
      return route.name === undefined ? null : 'delete'
    default:
      return null
  }
}

const builtIn = (t: ResourceType) => isBuiltIn(groupVersion(t), t.kind)

/**
 * The request body: JSON, YAML for apply, or protobuf for a built-in kind (not for a patch: the
 * API server refuses that with 415 before it looks the object up).
 */
function decodeBody(req: SandboxRequest, verb: Verb, t: ResourceType): unknown {
  if (contentTypeOf(req) === PROTOBUF && req.body.length > 0) {
    if (!builtIn(t)) throw unsupportedBodyType()
    if (verb === 'patch') throw unsupportedMediaType(PROTOBUF)
    return decodeProtobuf(req.body)
  }
  const text = req.body.toString('utf8')
  if (text.trim() === '') return undefined
  try {
    return contentTypeOf(req) === 'application/apply-patch+yaml' ? parseYaml(text) : JSON.parse(text)
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`)
  }
}

/** A JSON answer (object, list or Status) re-encoded as protobuf; kinds without a message type stay JSON. */
function encodeAs(format: Format, res: SandboxResponse): SandboxResponse {
  if (format === 'json' || res.headers?.['content-type'] !== 'application/json' || typeof res.body !== 'string') return res
  const body = encodeProtobuf(JSON.parse(res.body) as Record<string, unknown>)
  return body ? { ...res, headers: { ...res.headers, 'content-type': PROTOBUF }, body } : res
}

/** The field manager named by the request, else (not for apply) the User-Agent's product, as the API server defaults it. */
function managerOf(req: SandboxRequest, verb: Verb): string | undefined {
  const explicit = req.url.searchParams.get('fieldManager')
  if (explicit || verb === 'apply') return explicit || undefined
  const ua = String(req.headers['user-agent'] ?? '')
  return ua.split('/')[0] || 'unknown'
}

function serveResource(req: SandboxRequest, route: Extract<KubeRoute, { kind: 'resource' }>, sb: SandboxCore): SandboxResponse {
  const verb = verbOf(req, route)
  if (!verb || (route.type.derived && !['get', 'list'].includes(verb))) throw methodNotAllowed()
  const q = req.url.searchParams
  if (verb === 'get' && route.subresource !== 'scale') return getObject(sb, route.type, route.namespace, route.name!)
  if (verb === 'list') {
    if (q.get('watch') === 'true' || q.get('watch') === '1') throw methodNotAllowed()
    return listCollection(sb, route.type, route.namespace, q)
  }
  const dryRun = q.getAll('dryRun')
  if (dryRun.some((v) => v !== 'All')) throw badRequest(`dryRun: Unsupported value: "${dryRun.find((v) => v !== 'All')}": supported values: "All"`)
  const w: WriteRequest = {
    sb,
    t: route.type,
    namespace: route.namespace,
    name: route.name,
    subresource: route.subresource,
    body: decodeBody(req, verb, route.type),
    contentType: contentTypeOf(req),
    dryRun: dryRun.length > 0,
    manager: managerOf(req, verb),
    force: q.get('force') === 'true',
  }
  if (route.subresource === 'scale' && hasScale(route.type.kind)) {
    if (verb === 'get') return getScale(w)
    if (verb === 'update' || verb === 'patch') return writeScale(w, verb === 'patch')
  }
  if (route.subresource !== undefined && (route.subresource !== 'status' || !route.type.statusSubresource || verb === 'create' || verb === 'delete'))
    throw pathNotFound()
  switch (verb) {
    case 'create':
      return create(w)
    case 'update':
      return update(w)
    case 'patch':
    case 'apply':
      return patch(w)
    case 'delete':
      return remove(w)
    default:
      throw methodNotAllowed()
  }
}

export const kubernetesHandler: ServiceHandler = {
  service: 'kubernetes',
  matches: (req) => isKubePath(req.url.pathname),
  identify(req): Operation | null {
    const route = parseRoute(req.url.pathname)
    if (route.kind === 'version' || route.kind === 'openapi') return { name: route.kind, mutating: false }
    if (route.kind !== 'resource') return route.kind === 'unknown' ? null : { name: 'discovery', mutating: false }
    const verb = verbOf(req, route)
    if (!verb) return null
    const resource = route.subresource ? `${route.type.resource}/${route.subresource}` : route.type.resource
    const write = !['get', 'list'].includes(verb)
    return { name: `${verb} ${resource}`, mutating: write && !req.url.searchParams.getAll('dryRun').includes('All') }
  },
  handle(req, _op, sb) {
    let format: Format = 'json'
    try {
      const route = parseRoute(req.url.pathname)
      if (route.kind === 'resource') {
        format = negotiate(req.headers.accept, () => builtIn(route.type))
        return encodeAs(format, serveResource(req, route, sb))
      }
      return discovery(route, String(req.headers.host ?? '127.0.0.1')) ?? pathNotFound().toResponse()
    } catch (err) {
      if (err instanceof KubeStatusError) return encodeAs(format, err.toResponse())
      throw err
    }
  },
  errorFor(error: InjectedError, op: Operation): SandboxResponse {
    const resource = op.name.split(' ')[1] ?? 'resource'
    const answers: Record<InjectedError, KubeStatusError> = {
      Throttling: new KubeStatusError(429, 'TooManyRequests', 'Too many requests, please try again later.', {}),
      PriorRequestNotComplete: new KubeStatusError(429, 'TooManyRequests', 'Too many requests, please try again later.', {}),
      InternalError: new KubeStatusError(500, 'InternalError', 'Internal error occurred: injected fault', { causes: [{ message: 'injected fault' }] }),
      Timeout: new KubeStatusError(504, 'Timeout', 'Timeout: request did not complete within requested timeout - context deadline exceeded', {}),
      Conflict: new KubeStatusError(409, 'Conflict', `Operation cannot be fulfilled on ${resource}: the object has been modified; please apply your changes to the latest version and try again`, {}),
    }
    const res = answers[error].toResponse()
    if (error === 'Throttling' || error === 'PriorRequestNotComplete') {
      const body = JSON.parse(String(res.body)) as { details: Record<string, unknown> }
      body.details = { retryAfterSeconds: 1 }
      return { ...json(429, body), headers: { 'content-type': 'application/json', 'retry-after': '1' } }
    }
    return res
  },
}
