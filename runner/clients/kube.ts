/**
 * Builds the Kubernetes access steps receive ({@link KubeApi}), once per cluster and invocation,
 * over the transport of runner/clients/kube-http.ts with @kubernetes/client-node's KubeConfig for
 * the kubeconfig and its credentials, both imported lazily so that loading the runner costs
 * nothing.
 *
 * Guarantees:
 * - Kubeconfig as kubectl reads it: `kubeconfigPath`, else KUBECONFIG / ~/.kube/config; `context`
 *   (from `--context` or the playbook's environment) overrides the current context.
 * - Objects are exchanged as the API server's JSON, untouched: no typed models, so timestamps stay
 *   strings and fields unknown to the client's models (CRDs, new fields) survive a round trip.
 * - `get` answers null on 404 and `delete` resolves when the object is already gone.
 * - Server-side apply uses `fieldManager` (default `switchover`); every write honours `dryRun`
 *   (`dryRun=All`), and with `readOnly` any write without it throws {@link ReadOnlyViolation}.
 * - Paths of built-in kinds need no discovery; any other group version is discovered once per
 *   cluster by all the clients given one `discovery` (kube-discovery.ts), whichever asks first.
 * - A 404 that names no object (the server serves no such resource type) is an error, not absence.
 * - Every request is counted ({@link CountedKubeApi.counts}).
 */
import type { KubeApi, KubeObject, KubeRef, WriteOptions } from './kube-types.js'
import { KubeDiscovery } from './kube-discovery.js'

export { KubeDiscovery }
import { KubeHttpError, openKubeTransport, type KubeHeader as Header, type KubeHttpRequest as Request } from './kube-http.js'
import { ReadOnlyViolation } from './read-only.js'

export type KubeApiOptions = {
  kubeconfigPath?: string
  context?: string
  readOnly?: boolean
  /** Field manager of server-side apply and of every write (default `switchover`). */
  fieldManager?: string
  /** Where kinds live, shared by the clients given the same one (default: this client's own). */
  discovery?: KubeDiscovery
}

/** Requests made: reads, real writes, and writes sent with dryRun=All. */
export type KubeCallCount = { reads: number; writes: number; dryRuns: number; byOperation: Record<string, number> }

export interface CountedKubeApi extends KubeApi {
  counts(): KubeCallCount
}

/** A Kubernetes request answered with an error status (other than the 404s the API absorbs). */
export class KubeRequestFailed extends Error {
  constructor(
    readonly operation: string,
    readonly target: string,
    readonly code: number,
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Kubernetes ${operation} ${target} failed (${code} ${reason}): ${message}`, options)
    this.name = 'KubeRequestFailed'
  }
}

/** The context asked for (`--context` or the playbook's environment) is not in the kubeconfig. */
export class KubeContextUnknown extends Error {
  constructor(context: string, known: string[], path?: string) {
    super(`kubeconfig ${path ?? '(KUBECONFIG or ~/.kube/config)'} has no context "${context}" (it has: ${known.join(', ') || 'none'}); ` +
      'fix the context of the playbook environment or pass --context')
    this.name = 'KubeContextUnknown'
  }
}

const contentTypes = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const

export async function createKubeApi(opts: KubeApiOptions = {}): Promise<CountedKubeApi> {
  // KubeConfig on its own, not the package's index: the index loads every generated model.
  const [{ KubeConfig }, http, https] = await Promise.all([import('@kubernetes/client-node/dist/config.js'), import('node:http'), import('node:https')])
  const loaded = new KubeConfig()
  if (opts.kubeconfigPath) loaded.loadFromFile(opts.kubeconfigPath)
  else loaded.loadFromDefault()
  // kubectl talks to a plain-http server (kubectl proxy, local sandboxes) as it is; the client
  // refuses unless TLS verification is "skipped", which means nothing without TLS.
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: loaded.clusters.map((c) => (c.server.startsWith('http:') ? { ...c, skipTLSVerify: true } : c)),
    users: loaded.users,
    contexts: loaded.contexts,
    currentContext: loaded.currentContext,
  })
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new KubeContextUnknown(opts.context, kc.contexts.map((c) => c.name), opts.kubeconfigPath)
    kc.setCurrentContext(opts.context)
  }
  const api = openKubeTransport(kc, { http, https }, opts.discovery ?? new KubeDiscovery())
  const fieldManager = opts.fieldManager ?? 'switchover'
  const count: KubeCallCount = { reads: 0, writes: 0, dryRuns: 0, byOperation: {} }

  const target = (h: Header) => `${h.kind} ${h.metadata.namespace ? h.metadata.namespace + '/' : ''}${h.metadata.name ?? ''}`
  const write = async (operation: string, req: Request, o: WriteOptions = {}) => {
    if (opts.readOnly && !o.dryRun) throw new ReadOnlyViolation('Kubernetes', `${operation} ${target(req.header)}`)
    count[o.dryRun ? 'dryRuns' : 'writes']++
    const manager = req.method === 'DELETE' ? undefined : fieldManager
    return call(operation, { ...req, query: { ...req.query, fieldManager: manager, dryRun: o.dryRun ? 'All' : undefined } })
  }
  // The server's JSON as it came: each method below says what it is.
  const call = async (operation: string, req: Request): Promise<any> => {
    count.byOperation[operation] = (count.byOperation[operation] ?? 0) + 1
    try {
      return await api.send(req)
    } catch (e) {
      const err = e instanceof KubeHttpError ? e : null
      // An absent object's 404 names it; one that names nothing is a path the server does not serve.
      const absent = err?.code === 404 && err.details?.name !== undefined
      if (absent && (req.action === 'read' || req.action === 'delete')) return null
      const unserved = err?.code === 404 && !absent ? ` (the server serves no ${req.header.kind} at ${req.header.apiVersion}; check the apiVersion)` : ''
      throw new KubeRequestFailed(operation, target(req.header), err?.code ?? 0, err?.reason ?? '', (e instanceof Error ? e.message : String(e)) + unserved, { cause: e })
    }
  }
  const header = (r: KubeRef | KubeObject): Header =>
    'metadata' in r ? r : { apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, namespace: r.namespace } }

  return {
    async get(ref) {
      count.reads++
      return call('get', { method: 'GET', action: 'read', header: header(ref) })
    },
    async list(apiVersion, kind, o = {}) {
      count.reads++
      const res = await call('list', {
        method: 'GET',
        action: 'list',
        header: { apiVersion, kind, metadata: { namespace: o.namespace } },
        query: { labelSelector: o.labelSelector },
      })
      // List items carry no apiVersion/kind of their own on the wire.
      return ((res?.items ?? []) as KubeObject[]).map((i) => ({ ...i, apiVersion, kind }))
    },
    apply: (obj, o = {}) =>
      write('apply', { method: 'PATCH', action: 'patch', header: obj, body: obj, contentType: contentTypes.apply, query: { force: o.force ? 'true' : undefined } }, o),
    create: (obj, o = {}) => write('create', { method: 'POST', action: 'create', header: obj, body: obj }, o),
    replace: (obj, o = {}) => write('replace', { method: 'PUT', action: 'replace', header: obj, body: obj }, o),
    patch: (ref, body, type, o = {}) =>
      write(`patch${o.subresource ? '/' + o.subresource : ''}`, { method: 'PATCH', action: 'patch', header: header(ref), body, contentType: contentTypes[type], subresource: o.subresource }, o),
    async delete(ref, o = {}) {
      await write('delete', { method: 'DELETE', action: 'delete', header: header(ref), query: { propagationPolicy: 'Background' } }, o)
    },
    counts: () => structuredClone(count),
  }
}
