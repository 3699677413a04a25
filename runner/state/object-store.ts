/**
 * The few object operations team state needs, as a contract the S3 journal and lock are written
 * against (runner/state/s3-store.ts implements it with the AWS SDK). Conditional writes are the
 * whole point: `ifNoneMatch` creates only, `ifMatch` replaces only the named version.
 */

/** A stored object: its bytes as text and its version tag (S3's ETag). */
export type StoredObject = { body: string; etag: string }

export type PutCondition = { ifNoneMatch: true } | { ifMatch: string } | Record<string, never>

export interface ObjectStore {
  /** `s3://BUCKET/PREFIX`, for messages. */
  readonly url: string
  /** The full `s3://` address of `key` (relative to the prefix), for messages. */
  urlOf(key: string): string
  /**
   * Write `key` (relative to the prefix). Resolves once the object is stored (S3 answered).
   * Throws {@link PreconditionFailed} when the condition does not hold and
   * {@link ConditionalConflict} when another conditional write on the key was in flight.
   */
  put(key: string, body: string, condition?: PutCondition): Promise<{ etag: string }>
  /** The object, or null when there is none. */
  get(key: string): Promise<StoredObject | null>
  /** Every key under `prefix` (relative keys, S3's order), all pages followed. */
  list(prefix: string): Promise<string[]>
  /** Sub-"directories" directly under `prefix` (relative, ending in `/`), all pages followed. */
  listPrefixes(prefix: string): Promise<string[]>
  /** Delete `key`; with `ifMatch`, only that version (else {@link PreconditionFailed}). */
  delete(key: string, ifMatch?: string): Promise<void>
}

/** The write's precondition did not hold (S3 412, or 404 for If-Match on a missing key). */
export class PreconditionFailed extends Error {
  constructor(readonly url: string, readonly condition: 'If-None-Match' | 'If-Match', cause?: unknown) {
    super(`${url}: ${condition === 'If-None-Match' ? 'the object already exists' : 'the object changed or is gone'} (${condition} did not hold)`, { cause })
  }
}

/** Another conditional write on the same key was in flight (S3 409); retrying may pass. */
export class ConditionalConflict extends Error {
  constructor(readonly url: string, cause?: unknown) {
    super(`${url}: a conflicting conditional write was in flight (409 ConditionalRequestConflict)`, { cause })
  }
}

/** Any other failure reaching the state bucket. */
export class StateStoreError extends Error {
  constructor(url: string, action: string, cause: unknown) {
    super(`cannot ${action} ${url}: ${(cause as Error)?.message ?? cause}; check the bucket exists, the credentials of the state's AWS target and its IAM permissions (see README: team state on S3)`, { cause })
  }
}
