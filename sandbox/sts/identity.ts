/**
 * Who signed a request: the access key of its SigV4 Authorization header, and the identity that
 * key stands for. Keys issued by the sandbox's STS (AssumeRole) stand for their assumed role;
 * the sandbox knows no IAM users, so any other (long-term) key is the user of the same name in
 * the estate's account. A session key that the sandbox did not issue, or whose session has
 * expired, is refused the way AWS refuses it (InvalidClientTokenId, ExpiredToken).
 */
import type { Estate, StsSession } from '../estate.js'
import type { SandboxRequest } from '../types.js'

/** Issued session keys start like AWS's temporary keys do. */
export const SESSION_KEY_PREFIX = 'ASIA'

/** `Credential=AKID/20260302/us-west-1/ecs/aws4_request` -> AKID. */
export function accessKeyOf(req: SandboxRequest): string | undefined {
  const auth = req.headers.authorization
  const m = typeof auth === 'string' ? /Credential=([^/,\s]+)\//.exec(auth) : null
  return m?.[1]
}

export const sessionsOf = (estate: Estate): StsSession[] => (estate.sts ??= { sessions: [] }).sessions

export const findSession = (estate: Estate, accessKeyId: string): StsSession | undefined => estate.sts?.sessions.find((s) => s.AccessKeyId === accessKeyId)

/** The ARN of the identity `accessKeyId` signs as (for a session key, whether or not it is still valid). */
export function identityOf(estate: Estate, accessKeyId: string): string {
  return findSession(estate, accessKeyId)?.Arn ?? `arn:aws:iam::${estate.account}:user/${accessKeyId}`
}

/** Why AWS would refuse a request signed with `accessKeyId` at `now`, or undefined when it would not. */
export function refusal(estate: Estate, accessKeyId: string, now: number): { code: 'InvalidClientTokenId' | 'ExpiredToken'; message: string; status: number } | undefined {
  if (!accessKeyId.startsWith(SESSION_KEY_PREFIX)) return undefined
  const session = findSession(estate, accessKeyId)
  if (!session) return { code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.', status: 403 }
  if (Date.parse(session.Expiration) <= now) return { code: 'ExpiredToken', message: 'The security token included in the request is expired', status: 400 }
  return undefined
}
