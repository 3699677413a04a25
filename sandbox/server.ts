/**
 * The sandbox's HTTP server: one port on 127.0.0.1 for every protocol. Per request: read the
 * body, bring virtual time up to date, route (control API or the first matching handler),
 * apply fault injection, serve, and append a CallRecord to the calls log.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { CallLog } from './calls.js'
import { CONTROL_PREFIX, handleControl, identifyControl, type ControlTarget } from './control.js'
import type { Core } from './core.js'
import type { FaultBook } from './faults.js'
import { HoldPoint } from './hold.js'
import type { CallRecord, InjectedError, Operation, SandboxCore, SandboxRequest, SandboxResponse, ServiceHandler } from './types.js'
import { clusterPath, clusterView, regionView, signedRegion } from './scopes.js'
import { accessKeyOf, identityOf, refusal } from './sts/identity.js'
import { refusedAnswer, SIGNED_SERVICES } from './sts/refuse.js'

export type ServerOptions = {
  core: Core
  handlers: readonly ServiceHandler[]
  faults: FaultBook
  calls: CallLog
  control: ControlTarget
  port?: number
  /** Real ms an injected `Timeout` holds the request before the socket is destroyed (default 1000). */
  timeoutFaultMs?: number
  /** One-shot hold for crash tests (sandbox/hold.ts); a fresh, disarmed one by default. */
  hold?: HoldPoint
}

export type ListeningServer = { url: string; port: number; close(): Promise<void> }

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, answer: SandboxResponse): void {
  const body = answer.body === undefined ? Buffer.alloc(0) : Buffer.from(answer.body)
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(body.length) })
  res.end(body)
}

type Served = { service: CallRecord['service']; op: Operation; answer: SandboxResponse | 'timeout'; fault?: InjectedError; signer?: { accessKey: string; identity: string } }

async function serve(o: ServerOptions, sreq: SandboxRequest): Promise<Served> {
  o.core.time.sync()
  if (sreq.url.pathname.startsWith(CONTROL_PREFIX)) {
    return { service: 'control', op: identifyControl(sreq), answer: handleControl(sreq, o.control) }
  }
  // A further cluster's API: its own objects, the usual paths under /clusters/<name>/.
  let core: SandboxCore = o.core
  const prefixed = clusterPath(sreq.url.pathname)
  if (prefixed) {
    const view = clusterView(o.core, prefixed.cluster)
    if (view) {
      core = view
      const url = new URL(sreq.url)
      url.pathname = prefixed.path
      sreq = { ...sreq, url }
    }
  }
  const handler = o.handlers.find((h) => h.matches(sreq))
  if (!handler) {
    const body = JSON.stringify({ message: `no sandbox service serves ${sreq.method} ${sreq.url.pathname}` })
    return { service: 'control', op: { name: 'Unrouted', mutating: false }, answer: { status: 404, headers: { 'content-type': 'application/json' }, body } }
  }
  const op = handler.identify(sreq) ?? { name: 'Unknown', mutating: false }
  // Regional AWS services see the resources of the region the request is signed for.
  if (handler.service === 'ecs' || handler.service === 'events' || handler.service === 'scheduler') core = regionView(core, signedRegion(sreq), { write: op.mutating })
  // Who signed it: session keys stand for their assumed role, and an unknown or expired one is refused.
  const key = SIGNED_SERVICES.has(handler.service) ? accessKeyOf(sreq) : undefined
  const signer = key !== undefined ? { accessKey: key, identity: identityOf(o.core.estate, key) } : undefined
  const refused = key !== undefined ? refusal(o.core.estate, key, o.core.time.now()) : undefined
  if (refused) return { service: handler.service, op, signer, answer: refusedAnswer(handler.service, refused.code, refused.message, refused.status) }
  const fault = o.faults.match(handler.service, op.name)
  if (fault === 'Timeout') return { service: handler.service, op, answer: 'timeout', fault, signer }
  if (fault) return { service: handler.service, op, answer: handler.errorFor(fault, op), fault, signer }
  try {
    const answer = await handler.handle(sreq, op, core)
    return { service: handler.service, op, answer, fault: answer.fault, signer }
  } catch (err) {
    const answer = handler.errorFor('InternalError', op)
    return { service: handler.service, op, signer, answer: { ...answer, headers: { ...answer.headers, 'x-sandbox-error': String((err as Error).message).slice(0, 200).replace(/[^\x20-\x7e]/g, ' ') } } }
  }
}

/** Start listening on 127.0.0.1 (`port` or a free one). `close` ends every open connection. */
export function listen(o: ServerOptions): Promise<ListeningServer> {
  const sockets = new Set<Socket>()
  const holds = new Set<NodeJS.Timeout>()
  const hold = o.hold ?? new HoldPoint()
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req)
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`)
      const sreq: SandboxRequest = { method: req.method ?? 'GET', url, headers: req.headers, body }
      const holdAnswer = hold.control(sreq)
      if (holdAnswer) return send(res, holdAnswer)
      if (hold.holdBefore(sreq, req.socket)) return
      const served = await serve(o, sreq)
      const record: CallRecord = {
        at: new Date(o.core.time.now()).toISOString(),
        service: served.service,
        operation: served.op.name,
        mutating: served.op.mutating,
        status: served.answer === 'timeout' ? 0 : served.answer.status,
        ...(served.fault ? { fault: served.fault } : {}),
        ...served.signer,
      }
      o.calls.append(record)
      if (served.answer !== 'timeout' && hold.holdAfter(served.op, served.service !== 'control' && served.answer.status < 300, req.socket)) return
      if (served.answer !== 'timeout') return send(res, served.answer)
      // An injected timeout: no answer; the connection dies after a while unless the client gives up first.
      const timer = setTimeout(() => (holds.delete(timer), req.socket.destroy()), o.timeoutFaultMs ?? 1000)
      holds.add(timer)
      req.socket.once('close', () => (clearTimeout(timer), holds.delete(timer)))
    } catch (err) {
      send(res, { status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: `sandbox: ${(err as Error).message}` }) })
    }
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.once('close', () => sockets.delete(s))
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port ?? 0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const t of holds) clearTimeout(t)
            server.close(() => done())
            for (const s of sockets) s.destroy()
          }),
      })
    })
  })
}
