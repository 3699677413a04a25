/** The real Route 53 SDK client pointed at a test sandbox (dummy credentials, no retries unless asked). */
import { Route53, type Route53ClientConfig } from '@aws-sdk/client-route-53'

export function route53For(url: string, config: Partial<Route53ClientConfig> = {}): Route53 {
  return new Route53({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
    maxAttempts: 1,
    ...config,
  })
}

/** The error an SDK call rejects with (fails the test if it resolves). */
export async function failure(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await p
  } catch (err) {
    return err as Error
  }
  throw new Error('expected the call to fail')
}
