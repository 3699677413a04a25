/**
 * The credentials of an AWS target that names a role: STS AssumeRole with the source credentials
 * of the target's profile (else of the SDK's default chain), assumed again before they expire.
 *
 * Guarantees:
 * - One session per target and mode: the provider is made once and shared by the target's clients.
 * - Refresh by the run's clock: the credentials are assumed again when fewer than
 *   {@link REFRESH_BEFORE_MS} remain, so a run longer than the role's session never signs with
 *   expired keys. The SDK's own cache (real time) is bypassed: the provider is marked memoized.
 * - The session is named after the run (`switchover-<run id>`, within STS's 2-64 characters of
 *   [\w+=,.@-]), so CloudTrail ties each call to the run that made it.
 * - A failure is a {@link RoleNotAssumed} naming the target, the role and what to check; the STS
 *   error is its `cause`.
 */

/** Session length asked for: one hour, IAM's default MaxSessionDuration for a role. */
export const ROLE_SESSION_SECONDS = 3600
/** Assume again when fewer than this many ms of the session remain. */
export const REFRESH_BEFORE_MS = 10 * 60_000

export type TemporaryCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }

/** A credential provider as SDK clients take it (`memoized`: the SDK must not cache it again). */
export type CredentialProvider = (() => Promise<TemporaryCredentials>) & { memoized: true }

export type AssumeRoleOptions = {
  roleArn: string
  /** The AWS target's name, for messages (undefined: the default target). */
  target?: string
  /** The run the session belongs to (names the session); none for plan. */
  runId?: string
  /** Region of the STS endpoint (the target's). */
  region?: string
  /** Profile whose credentials assume the role (else the SDK's default chain). */
  profile?: string
  /** Variables to read instead of process.env: AWS_ENDPOINT_URL(_STS), credentials, region. */
  env?: Record<string, string>
  /** The run's clock (ms since the epoch); default Date.now. */
  now?: () => number
  durationSeconds?: number
}

/** `switchover-<run id>` (or `switchover-playbook`), reduced to what STS accepts as a session name. */
export function sessionName(runId: string | undefined): string {
  return `switchover-${runId ?? 'playbook'}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64)
}

/** Assuming the role of an AWS target failed (denied, unknown role, no source credentials). */
export class RoleNotAssumed extends Error {
  constructor(readonly target: string | undefined, readonly roleArn: string, profile: string | undefined, cause: unknown) {
    const what = target === undefined ? 'the default AWS target' : `AWS target "${target}"`
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)
    const source = profile ? `profile "${profile}"` : 'the default credential chain'
    super(`${what}: assuming role ${roleArn} failed (${detail}); check that the role exists and that its trust policy allows sts:AssumeRole for the identity of ${source} (aws sts get-caller-identity${profile ? ` --profile ${profile}` : ''})`, { cause })
    this.name = 'RoleNotAssumed'
  }
}

export function assumedRoleCredentials(o: AssumeRoleOptions): CredentialProvider {
  const now = o.now ?? Date.now
  let cached: TemporaryCredentials | undefined
  let inFlight: Promise<TemporaryCredentials> | undefined
  let send: Promise<(input: Record<string, unknown>) => Promise<{ Credentials?: Record<string, unknown> }>> | undefined
  const fresh = () => cached?.expiration !== undefined && cached.expiration.getTime() - now() > REFRESH_BEFORE_MS
  const assume = async (): Promise<TemporaryCredentials> => {
    try {
      send ??= stsSender(o)
      const out = await (await send)({ RoleArn: o.roleArn, RoleSessionName: sessionName(o.runId), DurationSeconds: o.durationSeconds ?? ROLE_SESSION_SECONDS })
      const c = out.Credentials
      if (typeof c?.AccessKeyId !== 'string' || typeof c.SecretAccessKey !== 'string') throw new Error('STS answered AssumeRole without credentials')
      cached = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(typeof c.SessionToken === 'string' ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration instanceof Date ? { expiration: c.Expiration } : {}),
      }
      return cached
    } catch (err) {
      throw new RoleNotAssumed(o.target, o.roleArn, o.profile, err)
    }
  }
  const provider = async () => {
    if (fresh()) return cached!
    inFlight ??= assume().finally(() => (inFlight = undefined))
    return inFlight
  }
  return Object.assign(provider, { memoized: true as const })
}

/** AssumeRole through an STS client with the source credentials; the SDK package loads here. */
async function stsSender(o: AssumeRoleOptions): Promise<(input: Record<string, unknown>) => Promise<{ Credentials?: Record<string, unknown> }>> {
  const { Client, AssumeRoleCommand } = await import('./sdk/sts.js')
  const config: Record<string, unknown> = { maxAttempts: 3 }
  if (o.region) config.region = o.region
  if (o.profile) config.profile = o.profile
  const env = o.env
  if (env) {
    // Tests hand us the environment instead of process.env: resolve it the way the SDK would.
    config.region ??= env.AWS_REGION ?? env.AWS_DEFAULT_REGION
    const endpoint = env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL
    if (endpoint) config.endpoint = endpoint
    if (!o.profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      config.credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) }
    }
  }
  const client = new Client(config)
  return (input) => client.send(new AssumeRoleCommand(input as never)) as Promise<{ Credentials?: Record<string, unknown> }>
}
