/**
 * Route 53's request rate limit: a token bucket per sandbox, refilled at `route53Rate` tokens per
 * second of real time up to `route53Burst`. Real time on purpose: the limit protects the service
 * from a client's bursts, which happen in real time even when the sandbox's clock is virtual.
 */
import type { SandboxCore } from '../types.js'

type Bucket = { tokens: number; at: number }

const buckets = new WeakMap<SandboxCore, Bucket>()

/** Take one token for a request; false when the bucket is empty (answer Throttling). */
export function takeToken(sb: SandboxCore, now = Date.now()): boolean {
  const { route53Rate: rate, route53Burst: burst } = sb.config
  const bucket = buckets.get(sb) ?? { tokens: burst, at: now }
  bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate)
  bucket.at = now
  buckets.set(sb, bucket)
  if (bucket.tokens < 1) return false
  bucket.tokens -= 1
  return true
}
