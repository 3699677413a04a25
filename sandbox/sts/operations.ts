/**
 * STS AssumeRole and GetCallerIdentity over the estate, validated as the service validates them.
 * The sandbox stands in for every account a playbook names, so a rehearsal assumes the playbook's
 * real role ARNs: every role trusts the sandbox's principals (MaxSessionDuration one hour, the
 * IAM default), except the roles the estate lists in `sts.untrusted`, which are AccessDenied as a
 * role is on AWS when its trust policy does not name the caller.
 */
import { randomBytes } from 'node:crypto'
import { AwsApiError } from '../aws-json.js'
import type { StsSession } from '../estate.js'
import type { SandboxCore } from '../types.js'
import { identityOf, SESSION_KEY_PREFIX, sessionsOf } from './identity.js'

/** IAM's default MaxSessionDuration of a role; role chaining is capped at the same hour. */
export const MAX_SESSION_SECONDS = 3600
const MIN_SESSION_SECONDS = 900

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/
const SESSION_NAME = /^[\w+=,.@-]*$/

export type AssumeRoleInput = { RoleArn?: string; RoleSessionName?: string; DurationSeconds?: string }

export type AssumeRoleOutput = {
  AssumedRoleUser: { Arn: string; AssumedRoleId: string }
  Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string }
  PackedPolicySize: number
}

const invalid = (message: string) => new AwsApiError('ValidationError', message)

const constraint = (value: string, field: string, rule: string) => invalid(`1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${rule}`)

/** A stable role id per role ARN, shaped like IAM's (`ARO` + 17 characters). */
function roleId(arn: string): string {
  let h = 2166136261
  for (const c of arn) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0
  return `ARO${h.toString(36).toUpperCase().padStart(7, '0')}${'EXAMPLE000'}`.slice(0, 20)
}

const key = (n: number) => randomBytes(n).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, n)

export function assumeRole(sb: SandboxCore, callerKey: string, input: AssumeRoleInput): AssumeRoleOutput {
  const arn = input.RoleArn
  const name = input.RoleSessionName
  if (arn === undefined || arn === '') throw new AwsApiError('MissingParameter', 'The request must contain the parameter RoleArn.')
  if (name === undefined) throw new AwsApiError('MissingParameter', 'The request must contain the parameter RoleSessionName.')
  if (arn.length < 20) throw constraint(arn, 'roleArn', 'Member must have length greater than or equal to 20')
  if (name.length < 2) throw constraint(name, 'roleSessionName', 'Member must have length greater than or equal to 2')
  if (name.length > 64) throw constraint(name, 'roleSessionName', 'Member must have length less than or equal to 64')
  if (!SESSION_NAME.test(name)) throw constraint(name, 'roleSessionName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]*')
  const m = ROLE_ARN.exec(arn)
  if (!m) throw invalid(`${arn} is invalid`)
  const caller = identityOf(sb.estate, callerKey)
  if (sb.estate.sts?.untrusted?.includes(arn)) {
    throw new AwsApiError('AccessDenied', `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${arn}`, 403)
  }
  const duration = input.DurationSeconds === undefined ? MAX_SESSION_SECONDS : Number(input.DurationSeconds)
  if (!Number.isInteger(duration) || duration < MIN_SESSION_SECONDS) throw constraint(String(input.DurationSeconds), 'durationSeconds', `Member must have value greater than or equal to ${MIN_SESSION_SECONDS}`)
  if (duration > MAX_SESSION_SECONDS) {
    throw invalid(caller.includes(':assumed-role/')
      ? `The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.`
      : `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`)
  }
  const now = sb.time.now()
  const sessions = sessionsOf(sb.estate)
  // Expired sessions are of no further use: keep the estate small.
  sb.estate.sts!.sessions = sessions.filter((s) => Date.parse(s.Expiration) > now)
  const session: StsSession = {
    AccessKeyId: `${SESSION_KEY_PREFIX}${key(16).toUpperCase().padEnd(16, 'X')}`,
    SecretAccessKey: key(40),
    SessionToken: `sandbox/${key(64)}`,
    Arn: `arn:aws:sts::${m[1]}:assumed-role/${m[3]}/${name}`,
    RoleArn: arn,
    Expiration: new Date(Math.floor(now / 1000) * 1000 + duration * 1000).toISOString().replace('.000Z', 'Z'),
  }
  sb.estate.sts!.sessions.push(session)
  return {
    AssumedRoleUser: { Arn: session.Arn, AssumedRoleId: `${roleId(arn)}:${name}` },
    Credentials: { AccessKeyId: session.AccessKeyId, SecretAccessKey: session.SecretAccessKey, SessionToken: session.SessionToken, Expiration: session.Expiration },
    PackedPolicySize: 0,
  }
}

export type CallerIdentity = { UserId: string; Account: string; Arn: string }

export function getCallerIdentity(sb: SandboxCore, callerKey: string): CallerIdentity {
  const arn = identityOf(sb.estate, callerKey)
  const assumed = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn)
  const session = sb.estate.sts?.sessions.find((s) => s.Arn === arn)
  if (assumed && session) return { UserId: `${roleId(session.RoleArn)}:${assumed[3]}`, Account: assumed[1]!, Arn: arn }
  return { UserId: `AIDA${callerKey.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(17, 'X').slice(0, 17)}`, Account: sb.estate.account, Arn: arn }
}
