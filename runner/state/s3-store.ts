/**
 * {@link ObjectStore} on Amazon S3 through @aws-sdk/client-s3, imported on first use so commands
 * that never touch state (validate) do not load it. Region, credentials and endpoint come from
 * the SDK's chain (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL), with the
 * environment's region and profile when given. Every write asks for server-side encryption:
 * SSE-S3, or SSE-KMS with `kmsKeyId`.
 */
import type { S3 } from '@aws-sdk/client-s3'
import { ConditionalConflict, PreconditionFailed, StateStoreError, type ObjectStore, type PutCondition, type StoredObject } from './object-store.js'
import type { StateLocation } from './location.js'

export type S3StoreOptions = {
  region?: string
  profile?: string
  kmsKeyId?: string
  /** Use these variables instead of process.env (tests): endpoint, credentials, region. */
  env?: Record<string, string>
}

/** Calls made, by operation (PutObject, GetObject, ...), for figures and tests. */
export type StoreCounts = Record<string, number>

export class S3Store implements ObjectStore {
  readonly url: string
  readonly counts: StoreCounts = {}
  private clientP?: Promise<S3>

  constructor(private readonly at: StateLocation, private readonly opts: S3StoreOptions = {}) {
    this.url = `s3://${at.bucket}/${at.prefix}`
  }

  urlOf(key: string): string {
    return `s3://${this.at.bucket}/${this.full(key)}`
  }

  private full(key: string): string {
    return this.at.prefix ? `${this.at.prefix}/${key}` : key
  }

  private client(): Promise<S3> {
    this.clientP ??= import('@aws-sdk/client-s3').then(({ S3 }) => {
      const env = this.opts.env
      const config: Record<string, unknown> = { retryMode: 'standard', maxAttempts: 5 }
      if (this.opts.region) config.region = this.opts.region
      if (this.opts.profile) config.profile = this.opts.profile
      if (env) {
        config.region ??= env.AWS_REGION ?? env.AWS_DEFAULT_REGION
        const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL
        if (endpoint) config.endpoint = endpoint
        if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) config.credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }
      }
      return new S3(config)
    })
    return this.clientP
  }

  private count(op: string): void {
    this.counts[op] = (this.counts[op] ?? 0) + 1
  }

  async put(key: string, body: string, condition: PutCondition = {}): Promise<{ etag: string }> {
    const s3 = await this.client()
    this.count('PutObject')
    const sse = this.opts.kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: this.opts.kmsKeyId } : { ServerSideEncryption: 'AES256' as const }
    try {
      const out = await s3.putObject({
        Bucket: this.at.bucket,
        Key: this.full(key),
        Body: body,
        ContentType: key.endsWith('.json') ? 'application/json' : 'application/x-ndjson',
        ...sse,
        ...('ifNoneMatch' in condition ? { IfNoneMatch: '*' } : {}),
        ...('ifMatch' in condition ? { IfMatch: condition.ifMatch } : {}),
      })
      return { etag: out.ETag ?? '' }
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
      if (status === 412 || (status === 404 && 'ifMatch' in condition)) throw new PreconditionFailed(this.urlOf(key), 'ifMatch' in condition ? 'If-Match' : 'If-None-Match', e)
      if (status === 409) throw new ConditionalConflict(this.urlOf(key), e)
      throw new StateStoreError(this.urlOf(key), 'write', e)
    }
  }

  async get(key: string): Promise<StoredObject | null> {
    const s3 = await this.client()
    this.count('GetObject')
    try {
      const out = await s3.getObject({ Bucket: this.at.bucket, Key: this.full(key) })
      return { body: (await out.Body?.transformToString('utf8')) ?? '', etag: out.ETag ?? '' }
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchKey') return null
      throw new StateStoreError(this.urlOf(key), 'read', e)
    }
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.listAll(prefix, undefined)).keys
  }

  async listPrefixes(prefix: string): Promise<string[]> {
    return (await this.listAll(prefix, '/')).prefixes
  }

  private async listAll(prefix: string, delimiter: string | undefined): Promise<{ keys: string[]; prefixes: string[] }> {
    const s3 = await this.client()
    const strip = (k: string) => (this.at.prefix ? k.slice(this.at.prefix.length + 1) : k)
    const keys: string[] = []
    const prefixes: string[] = []
    let token: string | undefined
    do {
      this.count('ListObjectsV2')
      const page = await s3
        .listObjectsV2({ Bucket: this.at.bucket, Prefix: this.full(prefix), Delimiter: delimiter, ContinuationToken: token })
        .catch((e: unknown) => {
          throw new StateStoreError(this.urlOf(prefix), 'list', e)
        })
      for (const c of page.Contents ?? []) if (c.Key) keys.push(strip(c.Key))
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) prefixes.push(strip(p.Prefix))
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    return { keys, prefixes }
  }

  async delete(key: string, ifMatch?: string): Promise<void> {
    const s3 = await this.client()
    this.count('DeleteObject')
    try {
      await s3.deleteObject({ Bucket: this.at.bucket, Key: this.full(key), ...(ifMatch ? { IfMatch: ifMatch } : {}) })
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
      if (status === 412 || (status === 404 && ifMatch)) throw new PreconditionFailed(this.urlOf(key), 'If-Match', e)
      throw new StateStoreError(this.urlOf(key), 'delete', e)
    }
  }
}
