/**
 * How the sandbox's service handlers plug into its HTTP server (sandbox/server.ts).
 * One server on 127.0.0.1 serves every protocol: Route 53 (REST-XML, paths under /2013-04-01/),
 * ECS and EventBridge (JSON 1.1, POST / with X-Amz-Target), Scheduler (REST-JSON, /schedules...),
 * STS (query protocol, `Version=2011-06-15`), Kubernetes (/api, /apis, /version, /openapi), S3 (REST-XML, told apart by its SigV4 credential
 * scope `.../s3/aws4_request` or a `bucket.localhost` Host) and the control API (/_sandbox/...).
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { Estate } from './estate.js'

export type ServiceName = 'route53' | 'ecs' | 'events' | 'scheduler' | 'kubernetes' | 's3' | 'cloudwatch' | 'prometheus' | 'sts'

export type SandboxRequest = {
  method: string
  url: URL
  headers: IncomingHttpHeaders
  body: Buffer
}

export type SandboxResponse = {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
  /** Set by a handler that answered with a throttling-like error of its own (logged as the call's fault). */
  fault?: InjectedError
}

/** What a request is, decided before it is served (faults and the calls log use it). */
export type Operation = { name: string; mutating: boolean }

/** An error to answer instead of serving the call (fault injection, throttling). */
export type InjectedError = 'Throttling' | 'PriorRequestNotComplete' | 'InternalError' | 'Timeout' | 'Conflict'

export interface ServiceHandler {
  readonly service: ServiceName
  /** True when this request belongs to the service. */
  matches(req: SandboxRequest): boolean
  /** The operation the request calls (e.g. `ChangeResourceRecordSets`), or null if unknown. */
  identify(req: SandboxRequest): Operation | null
  /** Serve it against `sb.estate`. Errors are answered in the service's real error shape. */
  handle(req: SandboxRequest, op: Operation, sb: SandboxCore): Promise<SandboxResponse> | SandboxResponse
  /** The service's real error response for an injected fault (`Timeout` is handled by the server). */
  errorFor(error: InjectedError, op: Operation): SandboxResponse
}

/** One served call, as appended to `.playbook/sandbox/calls.jsonl`. */
export type CallRecord = {
  at: string // virtual time, ISO
  service: ServiceName | 'control'
  operation: string
  mutating: boolean
  status: number
  /** Set when the answer was an injected fault or throttling. */
  fault?: InjectedError
  /** The access key of the SigV4 signature, and the identity (ARN) it stands for (AWS calls only). */
  accessKey?: string
  identity?: string
}

/** Virtual time. Advancing it runs every scheduler (ECS rules and schedules, CronJobs) in order. */
export interface VirtualTime {
  now(): number
  /** Move time forward by `ms`, running due launches in time order. */
  advance(ms: number): void
}

/**
 * Something that runs on the sandbox's clock: the ECS launcher of rules and schedules, the
 * CronJob controller, Deployment readiness, Route 53 change propagation. `runUntil` must process
 * every event in (previous, t] in time order and be deterministic.
 */
export interface Controller {
  readonly name: string
  /** The next instant after `after` at which this controller has something to do, or null. */
  nextEventAfter(after: number, sb: SandboxCore): number | null
  /** Do what is due at exactly `t` (the clock already reads `t`). */
  runAt(t: number, sb: SandboxCore): void
}

/** What handlers and controllers see of the sandbox. */
export interface SandboxCore {
  readonly estate: Estate
  readonly time: VirtualTime
  /** Sandbox settings (delays, throttle rates, never-ready deployments). */
  readonly config: SandboxConfig
  /** Next Kubernetes resourceVersion (monotonic, stored in the estate). */
  nextResourceVersion(): string
}

export type SandboxConfig = {
  /** Virtual ms from ChangeResourceRecordSets to INSYNC (default 60_000). */
  route53ChangeDelayMs: number
  /** Route 53 token bucket: sustained requests per second (default 10) and burst (default 50). */
  route53Rate: number
  route53Burst: number
  /** Virtual ms from a Deployment change to Available (default 20_000). */
  deploymentReadyDelayMs: number
  /** Deployments (`namespace/name`) that never become ready. */
  neverReady: string[]
  /** Flowing time: the clock also moves with real time (serve); frozen otherwise (tests, --sandbox). */
  flow: boolean
}

export const defaultSandboxConfig: SandboxConfig = {
  route53ChangeDelayMs: 60_000,
  route53Rate: 10,
  route53Burst: 50,
  deploymentReadyDelayMs: 20_000,
  neverReady: [],
  flow: false,
}
