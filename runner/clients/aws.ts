/**
 * Builds the AWS SDK v3 clients the steps receive, once per invocation. The SDK packages are
 * imported lazily, one per service, so that loading the runner (e.g. `playbook validate`) costs
 * nothing and a run loads only the services its steps call.
 *
 * Guarantees:
 * - Region, credentials and endpoints come from the SDK's own chain (AWS_PROFILE, SSO, roles,
 *   AWS_REGION, AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>); we add no flags of our own.
 *   When `env` is given (tests), those same variables are read from it instead of process.env.
 * - Retries use the SDK's adaptive mode (client-side rate limiting on throttling).
 * - With `readOnly`, every non-read command throws {@link ReadOnlyViolation} before it is sent.
 * - Every command and every attempt (retries included) is counted per client.
 */
import type { AwsClients } from './aws-types.js'
import { isReadOperation, ReadOnlyViolation } from './read-only.js'
import type { CredentialProvider } from './role.js'

export type AwsClientOptions = {
  region?: string
  /** Shared-config profile; set on each client as the SDK supports (same as AWS_PROFILE). */
  profile?: string
  /**
   * Credentials to sign with instead of the SDK's chain: an assumed role's session
   * (runner/clients/role.ts), made by the caller once per target and shared by all the clients
   * of that target (e.g. the preflight's read-only ones and the run's).
   */
  credentials?: CredentialProvider
  readOnly?: boolean
  /** Use these variables instead of process.env (AWS_ENDPOINT_URL*, credentials, region). */
  env?: Record<string, string>
  /** Attempts per command, retries included (default 5). */
  maxAttempts?: number
}

export type AwsServiceKey = keyof AwsClients

/** Calls made through one client: commands issued, HTTP attempts (retries included), writes. */
export type CallCount = { commands: number; attempts: number; mutating: number; byOperation: Record<string, number> }

export interface CountedAwsClients extends AwsClients {
  /** Snapshot of the call counters, per client. */
  counts(): Record<AwsServiceKey, CallCount>
}

/** The SDK's service ids, as used in AWS_ENDPOINT_URL_<ID> (spaces become underscores). */
const endpointSuffix: Record<AwsServiceKey, string> = {
  route53: 'ROUTE_53',
  ecs: 'ECS',
  eventbridge: 'EVENTBRIDGE',
  scheduler: 'SCHEDULER',
  cloudwatch: 'CLOUDWATCH',
}

const serviceLabel: Record<AwsServiceKey, string> = {
  route53: 'Route 53',
  ecs: 'ECS',
  eventbridge: 'EventBridge',
  scheduler: 'EventBridge Scheduler',
  cloudwatch: 'CloudWatch',
}

/** Each service's SDK package, imported the first time its client is needed. */
const sdk: Record<AwsServiceKey, () => Promise<new (config: Record<string, unknown>) => unknown>> = {
  route53: () => import('./sdk/route53.js').then((m) => m.Client as never),
  ecs: () => import('./sdk/ecs.js').then((m) => m.Client as never),
  eventbridge: () => import('./sdk/eventbridge.js').then((m) => m.Client as never),
  scheduler: () => import('./sdk/scheduler.js').then((m) => m.Client as never),
  cloudwatch: () => import('./sdk/cloudwatch.js').then((m) => m.Client as never),
}

const newCount = (): CallCount => ({ commands: 0, attempts: 0, mutating: 0, byOperation: {} })

async function createClient<K extends AwsServiceKey>(key: K, opts: AwsClientOptions, count: CallCount, credentials?: CredentialProvider): Promise<AwsClients[K]> {
  const Client = await sdk[key]()
  const client = new Client({ ...clientConfig(key, opts), ...(credentials ? { credentials } : {}) }) as AwsClients[K]
  instrument(client as unknown as { middlewareStack: MiddlewareStackLike }, key, count, opts.readOnly ?? false)
  return client
}

export async function createAwsClients(opts: AwsClientOptions = {}): Promise<CountedAwsClients> {
  const keys = Object.keys(endpointSuffix) as AwsServiceKey[]
  const counts = Object.fromEntries(keys.map((k) => [k, newCount()])) as Record<AwsServiceKey, CallCount>
  const credentials = opts.credentials
  const [route53, ecs, eventbridge, scheduler] = await Promise.all((['route53', 'ecs', 'eventbridge', 'scheduler'] as const).map((k) => createClient(k, opts, counts[k], credentials)))
  // CloudWatch only serves gates: its package is loaded the first time a gate reads alarms.
  const cloudwatch = lazyClient('cloudwatch', opts, counts.cloudwatch, credentials)
  const clients = { route53, ecs, eventbridge, scheduler, cloudwatch } as AwsClients
  return {
    ...clients,
    counts: () => structuredClone(counts),
  }
}


/**
 * The same clients, each built (and its SDK package imported) on its first call: a playbook that
 * never touches Scheduler never loads its SDK. Methods only: every call returns a promise.
 */
export function createLazyAwsClients(opts: AwsClientOptions = {}): CountedAwsClients {
  const keys = Object.keys(endpointSuffix) as AwsServiceKey[]
  const counts = Object.fromEntries(keys.map((k) => [k, newCount()])) as Record<AwsServiceKey, CallCount>
  const clients = Object.fromEntries(keys.map((k) => [k, lazyClient(k, opts, counts[k], opts.credentials)])) as unknown as AwsClients
  return { ...clients, counts: () => structuredClone(counts) }
}

function clientConfig(key: AwsServiceKey, opts: AwsClientOptions): Record<string, unknown> {
  const config: Record<string, unknown> = { retryMode: 'adaptive', maxAttempts: opts.maxAttempts ?? 5 }
  if (opts.profile) config.profile = opts.profile
  if (opts.region) config.region = opts.region
  const env = opts.env
  if (!env) return config
  // Tests hand us the environment instead of process.env: resolve it the way the SDK would.
  config.region ??= env.AWS_REGION ?? env.AWS_DEFAULT_REGION
  const endpoint = env[`AWS_ENDPOINT_URL_${endpointSuffix[key]}`] ?? env.AWS_ENDPOINT_URL
  if (endpoint) config.endpoint = endpoint
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    }
  }
  return config
}

type MiddlewareStackLike = {
  add(middleware: any, options: { step: string; name: string; priority?: string }): void
}

function instrument(client: { middlewareStack: MiddlewareStackLike }, key: AwsServiceKey, count: CallCount, readOnly: boolean): void {
  const operationOf = (context: { commandName?: string }) => (context.commandName ?? 'Unknown').replace(/Command$/, '')
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const operation = operationOf(context)
      const read = isReadOperation(operation)
      if (readOnly && !read) throw new ReadOnlyViolation(serviceLabel[key], operation)
      count.commands++
      if (!read) count.mutating++
      count.byOperation[operation] = (count.byOperation[operation] ?? 0) + 1
      return next(args)
    },
    { step: 'initialize', name: 'switchoverReadOnlyAndCount', priority: 'high' },
  )
  // The deserialize step runs once per HTTP attempt, below the retry middleware.
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      count.attempts++
      return next(args)
    },
    { step: 'deserialize', name: 'switchoverCountAttempts', priority: 'low' },
  )
}

/** A client built (and its SDK package imported) on its first call; methods only, each returns a promise. */
function lazyClient(key: AwsServiceKey, opts: AwsClientOptions, count: CallCount, credentials: CredentialProvider | undefined): unknown {
  let client: Promise<Record<string, (...a: unknown[]) => unknown>> | undefined
  return new Proxy({}, {
    get(_, name) {
      if (typeof name !== 'string' || name === 'then') return undefined
      return async (...args: unknown[]) => {
        client ??= createClient(key, opts, count, credentials) as Promise<never>
        const c = await client
        if (typeof c[name] !== 'function') throw new TypeError(`${serviceLabel[key]} client has no method ${name}`)
        return c[name]!(...args)
      }
    },
  })
}
