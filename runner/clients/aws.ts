/**
 * Builds the AWS SDK v3 clients the steps receive, once per invocation. The SDK packages are
 * imported lazily so that loading the runner (e.g. `playbook validate`) costs nothing.
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

export type AwsClientOptions = {
  region?: string
  /** Shared-config profile; set on each client as the SDK supports (same as AWS_PROFILE). */
  profile?: string
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

export async function createAwsClients(opts: AwsClientOptions = {}): Promise<CountedAwsClients> {
  const [r53, ecs, events, scheduler] = await Promise.all([
    import('@aws-sdk/client-route-53'),
    import('@aws-sdk/client-ecs'),
    import('@aws-sdk/client-eventbridge'),
    import('@aws-sdk/client-scheduler'),
  ])
  const counts = {} as Record<AwsServiceKey, CallCount>
  for (const key of Object.keys(endpointSuffix) as AwsServiceKey[]) counts[key] = { commands: 0, attempts: 0, mutating: 0, byOperation: {} }
  const readOnly = opts.readOnly ?? false
  const built = <C>(key: AwsServiceKey, client: C): C => (instrument(client as unknown as { middlewareStack: MiddlewareStackLike }, key, counts[key], readOnly), client)
  const clients = {
    route53: built('route53', new r53.Route53(clientConfig('route53', opts))),
    ecs: built('ecs', new ecs.ECS(clientConfig('ecs', opts))),
    eventbridge: built('eventbridge', new events.EventBridge(clientConfig('eventbridge', opts))),
    scheduler: built('scheduler', new scheduler.Scheduler(clientConfig('scheduler', opts))),
  }
  // CloudWatch only serves gates: its package is loaded the first time a gate reads alarms.
  let cloudwatch: AwsClients['cloudwatch'] | undefined
  const cw = cloudwatchModule
  const out = {
    ...clients,
    get cloudwatch(): AwsClients['cloudwatch'] {
      if (!cloudwatch) {
        if (!cw.loaded) throw new Error('the CloudWatch client is not loaded: call loadCloudWatch() first')
        cloudwatch = built('cloudwatch', new cw.loaded.CloudWatch(clientConfig('cloudwatch', opts)))
      }
      return cloudwatch
    },
    counts: () => structuredClone(counts),
  }
  return out
}

type CloudWatchModule = typeof import('@aws-sdk/client-cloudwatch')
const cloudwatchModule: { loaded?: CloudWatchModule } = {}

/** Load the CloudWatch SDK package (once); after it, `clients.cloudwatch` can be built synchronously. */
export async function loadCloudWatch(): Promise<void> {
  cloudwatchModule.loaded ??= await import('@aws-sdk/client-cloudwatch')
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
