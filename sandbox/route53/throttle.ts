/**
 * Route 53's request rate limit: a token bucket per sandbox, refilled at `route53Rate` tokens per
 * second up to `route53Burst`. Time passes for the bucket when real time passes (a client's
 * bursts happen in real time) and when the sandbox's virtual clock moves (a client that waited
 * two seconds of virtual time did wait, in the world the sandbox presents): whichever is more.
 */
import type { SandboxCore } from '../types.js'

type Bucket = { tokens: number; real: number; virtual: number }

const buckets = new WeakMap<SandboxCore, Bucket>()

/** Take one token for a request; false when the bucket is empty (answer Throttling). */
export function takeToken(sb: SandboxCore, now = Date.now()): boolean {
  const { route53Rate: rate, route53Burst: burst } = sb.config
  const virtual = sb.time.now()
  const bucket = buckets.get(sb) ?? { tokens: burst, real: now, virtual }
  const elapsed = Math.max(now - bucket.real, virtual - bucket.virtual, 0)
  bucket.tokens = Math.min(burst, bucket.tokens + (elapsed / 1000) * rate)
  bucket.real = now
  bucket.virtual = virtual
  buckets.set(sb, bucket)
  if (bucket.tokens < 1) return false
  bucket.tokens -= 1
  return true
}
