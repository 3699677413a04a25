/**
 * The wire under {@link createKubeApi}: requests to one cluster's API server, as kubectl makes
 * them, with the server's JSON in and out.
 *
 * Why not @kubernetes/client-node's KubernetesObjectApi: it serializes through the generated
 * models of every Kubernetes type, which makes the client ten times the size of everything else
 * the CLI loads (about 24 MiB of resident memory) for objects the runner passes through untouched.
 * The kubeconfig, its credentials (tokens, client certificates, exec plugins such as
 * `aws eks get-token`, OIDC) and its TLS and proxy settings still come from client-node's
 * KubeConfig, imported on its own.
 *
 * Guarantees:
 * - Resource paths as kubectl builds them: the plural name and scope of a kind come from the
 *   built-in table or the cluster's discovery ({@link KubeDiscovery}: once per cluster and group
 *   version in the process).
 * - A namespaced object without a namespace goes to the context's namespace, else `default`.
 * - Credentials are applied to every request (an exec plugin's token is refreshed when it
 *   expires); connections are kept alive and reused, and an idempotent request that meets a
 *   connection the server has just closed is sent once more on a new one.
 * - A status outside 2xx rejects with {@link KubeHttpError} carrying the code and the Status
 *   reason.
 */
import type { Agent as HttpAgent, IncomingMessage, RequestOptions } from 'node:http'
import type { KubeDiscovery } from './kube-discovery.js'

/** What a request names: the object (or, for list and create, its collection). */
export type KubeHeader = { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string } }

export type KubeHttpRequest = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** `list` and `create` address the collection; the others the named object. */
  action: 'read' | 'list' | 'create' | 'replace' | 'patch' | 'delete'
  header: KubeHeader
  subresource?: string
  query?: Record<string, string | undefined>
  body?: unknown
  contentType?: string
}

/** An answer outside 2xx (the body's Status message, code and reason). */
export class KubeHttpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    /** The Status details: an absent object's 404 names it (`name`), a path not served does not. */
    readonly details?: { name?: string; kind?: string },
  ) {
    super(message)
    this.name = 'KubeHttpError'
  }
}

/** The API server has no resource of this kind in this group/version (a CRD not installed, a typo). */
export class KubeKindUnknown extends Error {
  constructor(apiVersion: string, kind: string) {
    super(`the API server serves no kind ${kind} in ${apiVersion}; ` +
      'check apiVersion and kind, or install the CustomResourceDefinition first')
    this.name = 'KubeKindUnknown'
  }
}

/** The part of client-node's KubeConfig the transport uses. */
export type KubeConfigLike = {
  getCurrentCluster(): { server: string } | null
  getContextObject(name: string): { namespace?: string } | null
  getCurrentContext(): string
  applyToHTTPSOptions(opts: RequestOptions): Promise<void>
}

export type KubeTransport = {
  send(req: KubeHttpRequest): Promise<unknown>
}

export function openKubeTransport(kc: KubeConfigLike, modules: { http: typeof import('node:http'); https: typeof import('node:https') }, discovery: KubeDiscovery): KubeTransport {
  const cluster = kc.getCurrentCluster()
  if (!cluster) throw new Error('the kubeconfig has no current cluster; set a context with a cluster, or pass --context')
  const base = new URL(cluster.server.endsWith('/') ? cluster.server : `${cluster.server}/`)
  const defaultNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace || 'default'
  let agent: HttpAgent | undefined

  const groupPath = (apiVersion: string) => (apiVersion.includes('/') ? `apis/${apiVersion}` : `api/${apiVersion}`)

  const request = async (method: string, path: string, query: URLSearchParams, headers: Record<string, string>, body?: string) => {
    const opts: RequestOptions = { method, headers: { Accept: 'application/json', ...headers } }
    await kc.applyToHTTPSOptions(opts)
    // client-node builds a new agent for every request; keep the first one's TLS settings in
    // one keep-alive agent instead, so requests reuse their connections.
    agent ??= keepAlive(opts.agent as HttpAgent | undefined, base.protocol, modules)
    const url = new URL(path, base)
    url.search = query.toString()
    const lib = url.protocol === 'http:' ? modules.http : modules.https
    const send = () =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const req = lib.request(url, { ...opts, agent, headers: { ...opts.headers, ...(body === undefined ? {} : { 'Content-Length': Buffer.byteLength(body) }) } }, resolve)
        req.once('error', (e) => reject(Object.assign(e, { reusedSocket: req.reusedSocket })))
        req.end(body)
      })
    const res = await send().catch((e: Error & { code?: string; reusedSocket?: boolean }) => {
      // The server may close an idle kept-alive connection just as a request goes out on it:
      // that request never reached the server. Ask again, once, on a new connection, where
      // asking twice cannot change more than asking once.
      if (e.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE') && idempotent(method, headers['Content-Type'])) return send()
      throw e
    })
    const chunks: Buffer[] = []
    for await (const c of res) chunks.push(c as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const status = res.statusCode ?? 0
    let data: Record<string, unknown> = {}
    try {
      data = text ? (JSON.parse(text) as Record<string, unknown>) : {}
    } catch {
      if (status >= 200 && status <= 299) throw new KubeHttpError(status, 'InvalidResponse', `the API server answered ${method} ${url.pathname} with a body that is not JSON`)
    }
    if (status >= 200 && status <= 299) return data
    throw new KubeHttpError(status, String(data.reason ?? ''), String(data.message ?? (text || res.statusMessage || `HTTP ${status}`)), data.details as KubeHttpError['details'])
  }

  return {
    async send(req) {
      const { apiVersion, kind, metadata } = req.header
      const resource = await discovery.resource(cluster.server, apiVersion, kind, (v) =>
        request('GET', groupPath(v), new URLSearchParams(), {}).catch((e: unknown) => {
          if (e instanceof Error) e.message = `discovery of ${v} failed: ${e.message}`
          throw e
        }),
      )
      if (!resource) throw new KubeKindUnknown(apiVersion, kind)
      const parts = [groupPath(apiVersion)]
      const namespace = metadata.namespace ?? (req.action === 'list' ? undefined : defaultNamespace)
      if (resource.namespaced && namespace) parts.push('namespaces', encodeURIComponent(namespace))
      parts.push(resource.name)
      if (req.action !== 'create' && req.action !== 'list') {
        if (!metadata.name) throw new Error(`${req.method} ${kind} needs metadata.name`)
        parts.push(encodeURIComponent(metadata.name))
      }
      if (req.subresource) parts.push(req.subresource)
      const query = new URLSearchParams()
      for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) query.set(k, v)
      const body = req.body === undefined ? undefined : JSON.stringify(req.body)
      return request(req.method, parts.join('/'), query, body === undefined ? {} : { 'Content-Type': req.contentType ?? 'application/json' }, body)
    },
  }
}

/** GET, PUT and DELETE, and the PATCHes whose result does not depend on the object they meet twice (apply, merge). */
function idempotent(method: string, contentType: string | undefined): boolean {
  if (method === 'GET' || method === 'PUT' || method === 'DELETE') return true
  return method === 'PATCH' && (contentType === 'application/apply-patch+yaml' || contentType === 'application/merge-patch+json' || contentType === 'application/strategic-merge-patch+json')
}

/**
 * A keep-alive agent with the TLS (or proxy) settings of the agent client-node made. An idle
 * connection is closed after 4 s, or before the server's own `Keep-Alive: timeout=` hint runs out
 * (Node's agent honours the hint only when it has a timeout of its own), so requests rarely meet
 * a connection the server is closing.
 */
function keepAlive(made: HttpAgent | undefined, protocol: string, modules: { http: typeof import('node:http'); https: typeof import('node:https') }): HttpAgent | undefined {
  if (!made) return undefined
  // A proxy agent (socks, http(s) proxy) is kept as it is: it owns its connections.
  if (made.constructor !== modules.http.Agent && made.constructor !== modules.https.Agent) return made
  const options = (made as HttpAgent & { options?: Record<string, unknown> }).options ?? {}
  const tls = Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && k !== 'path' && k !== 'noDelay'))
  const idle = { keepAlive: true, timeout: 4000 }
  return protocol === 'http:' ? new modules.http.Agent({ ...tls, ...idle }) : new modules.https.Agent({ ...tls, ...idle })
}
