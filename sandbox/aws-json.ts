/**
 * The AWS JSON 1.1 wire protocol (ECS, EventBridge): `POST /` with `X-Amz-Target: <prefix>.<Op>`,
 * a JSON body, and errors as HTTP 4xx/5xx with `{"__type": "<Code>", "message": "..."}`.
 */
import { randomUUID } from 'node:crypto'
import type { InjectedError, SandboxCore, SandboxRequest, SandboxResponse, ServiceHandler, ServiceName } from './types.js'

/**
 * An error a handler answers in its service's wire shape. Thrown by operations, turned into a
 * response by the handler, so it never leaves the sandbox.
 */
export class AwsApiError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message)
    this.name = 'AwsApiError'
  }
}

/** The operation named by `X-Amz-Target` when it starts with `prefix.`, else null. */
export function jsonTarget(req: SandboxRequest, prefix: string): string | null {
  const target = req.headers['x-amz-target']
  if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith(prefix + '.')) return null
  return target.slice(prefix.length + 1)
}

/** The request's JSON object; an empty body is `{}`. Throws SerializationException for bad JSON. */
export function readJsonBody(req: SandboxRequest): Record<string, unknown> {
  const text = req.body.toString('utf8').trim()
  if (text === '') return {}
  try {
    const value: unknown = JSON.parse(text)
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // answered below
  }
  throw new AwsApiError('SerializationException', 'Start of structure or map found where not expected.')
}

export function json11(body: unknown, status = 200): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify(body ?? {}),
  }
}

export function json11Error(code: string, message: string, status = 400): SandboxResponse {
  return json11({ __type: code, message }, status)
}

/** Run an operation, answering an {@link AwsApiError} in the JSON 1.1 error shape. */
export async function serveJson11(run: () => unknown): Promise<SandboxResponse> {
  try {
    return json11(await run())
  } catch (err) {
    if (err instanceof AwsApiError) return json11Error(err.code, err.message, err.status)
    throw err
  }
}

/** ISO date (as the estate stores it) to epoch seconds (as JSON 1.1 and REST-JSON send it). */
export function epochSeconds(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? undefined : ms / 1000
}

/** A JSON 1.1 service: its target prefix, operations, and the codes its injected faults use. */
export type Json11Service = {
  service: ServiceName
  /** Name in messages, e.g. `ECS`. */
  title: string
  targetPrefix: string
  mutating: ReadonlySet<string>
  operations: Record<string, (input: Record<string, unknown>, sb: SandboxCore) => unknown>
  faults: {
    throttling: { code: string; message: string }
    conflict: { code: string; message: (operation: string) => string }
    internal: { code: string; message: string }
  }
}

/** The handler of a JSON 1.1 service: routing by `X-Amz-Target`, serving, and faults in its own codes. */
export function json11Handler(s: Json11Service): ServiceHandler {
  return {
    service: s.service,
    matches: (req) => jsonTarget(req, s.targetPrefix) !== null,
    identify(req) {
      const name = jsonTarget(req, s.targetPrefix)
      return name === null ? null : { name, mutating: s.mutating.has(name) }
    },
    handle(req, op, sb) {
      const run = s.operations[op.name]
      if (!run) return json11Error('UnknownOperationException', `The sandbox does not serve ${s.title} ${op.name}.`)
      return serveJson11(() => run(readJsonBody(req), sb))
    },
    errorFor(error: InjectedError, op) {
      switch (error) {
        case 'Throttling':
        case 'PriorRequestNotComplete':
          return json11Error(s.faults.throttling.code, s.faults.throttling.message)
        case 'Conflict':
          return json11Error(s.faults.conflict.code, s.faults.conflict.message(op.name))
        case 'InternalError':
        case 'Timeout':
          return json11Error(s.faults.internal.code, s.faults.internal.message, 500)
      }
    },
  }
}
