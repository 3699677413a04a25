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
  /**
   * ARN of an IAM role to assume (STS AssumeRole through the SDK's fromTemporaryCredentials),
   * with the credentials of `profile` (fromIni), else of the default chain, as the source. The
   * credential providers are imported only when a role is given.
   */
  role?: string
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
}

const serviceLabel: Record<AwsServiceKey, string> = {
  route53: 'Route 53',
  ecs: 'ECS',
  eventbridge: 'EventBridge',
  scheduler: 'EventBridge Scheduler',
}

export async function createAwsClients(opts: AwsClientOptions = {}): Promise<CountedAwsClients> {
  const [r53, ecs, events, scheduler] = await Promise.all([
    import('@aws-sdk/client-route-53'),
    import('@aws-sdk/client-ecs'),
    import('@aws-sdk/client-eventbridge'),
    import('@aws-sdk/client-scheduler'),
  ])
  const counts = {} as Record<AwsServiceKey, CallCount>
  const credentials = opts.role ? await assumedRole(opts.role, opts) : undefined
  const config = (key: AwsServiceKey) => ({ ...clientConfig(key, opts), ...(credentials ? { credentials } : {}) })
  const clients: AwsClients = {
    route53: new r53.Route53(config('route53')),
    ecs: new ecs.ECS(config('ecs')),
    eventbridge: new events.EventBridge(config('eventbridge')),
    scheduler: new scheduler.Scheduler(config('scheduler')),
  }
  for (const key of Object.keys(endpointSuffix) as AwsServiceKey[]) {
    counts[key] = { commands: 0, attempts: 0, mutating: 0, byOperation: {} }
    instrument(clients[key] as unknown as { middlewareStack: MiddlewareStackLike }, key, counts[key], opts.readOnly ?? false)
  }
  return {
    ...clients,
    counts: () => structuredClone(counts),
  }
}

/**
 * One credential provider for the four clients: the role is assumed (STS AssumeRole) with the
 * source credentials of `profile`, else of the default chain, and assumed again shortly before
 * the temporary credentials expire, which is what the SDK's fromTemporaryCredentials does. STS is
 * the client the SDK itself uses for roles in shared config (it ships with every client package),
 * imported only when a target names a role.
 */
async function assumedRole(roleArn: string, opts: AwsClientOptions): Promise<() => Promise<TemporaryCredentials>> {
  const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/nested-clients/sts')
  const sts = new STSClient({ ...(opts.region ? { region: opts.region } : {}), ...(opts.profile ? { profile: opts.profile } : {}) })
  let cached: TemporaryCredentials | undefined
  return async () => {
    if (cached?.expiration && cached.expiration.getTime() - Date.now() > 5 * 60_000) return cached
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'switchover-playbook' }))
    const c = out.Credentials
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new RoleNotAssumed(roleArn)
    cached = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}), ...(c.Expiration ? { expiration: c.Expiration } : {}) }
    return cached
  }
}

type TemporaryCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }

/** STS answered AssumeRole without credentials. */
export class RoleNotAssumed extends Error {
  constructor(roleArn: string) {
    super(`assuming role ${roleArn} returned no credentials; check the role's trust policy for the caller (aws sts get-caller-identity)`)
  }
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
