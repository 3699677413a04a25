/**
 * The sandbox's S3 against the real @aws-sdk/client-s3: buckets, conditional writes (If-None-Match
 * and If-Match on PutObject, If-Match on DeleteObject), reads, ListObjectsV2 paging, server-side
 * encryption echoed, errors in S3's shapes, virtual-hosted requests, and persistence in state.json.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { S3, type S3ClientConfig } from '@aws-sdk/client-s3'
import { afterEach, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'
import { failure } from './sandbox-route53-client.js'

const BUCKET = 'switchover-state'
const started: RunningSandbox[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()))
})
async function sandbox(opts: Parameters<typeof startSandbox>[0] = {}) {
  const sb = await startSandbox({ stateDir: await mkdtemp(join(tmpdir(), 'sandbox-s3-')), ...opts })
  started.push(sb)
  return sb
}
const s3For = (sb: RunningSandbox, config: Partial<S3ClientConfig> = {}) =>
  new S3({ endpoint: sb.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' }, maxAttempts: 1, ...config })

describe('sandbox S3', () => {
  it('the reference estate has the state bucket; CreateBucket and HeadBucket answer as S3 does', async () => {
    const sb = await sandbox()
    const s3 = s3For(sb)
    expect((await s3.headBucket({ Bucket: BUCKET })).$metadata.httpStatusCode).toBe(200)
    const missing = await failure(s3.headBucket({ Bucket: 'nope-bucket' }))
    expect([missing.name, missing.$metadata?.httpStatusCode]).toEqual(['NotFound', 404])
    await s3.createBucket({ Bucket: 'team-state', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })
    const again = await failure(s3.createBucket({ Bucket: 'team-state' }))
    expect([again.name, again.$metadata?.httpStatusCode]).toEqual(['BucketAlreadyOwnedByYou', 409])
    expect((await s3.listBuckets({})).Buckets?.map((b) => b.Name)).toEqual([BUCKET, 'team-state'])
    expect(sb.core.estate.s3?.buckets[1]).toMatchObject({ Name: 'team-state', Region: 'eu-west-1' })
    const noBucket = await failure(s3.putObject({ Bucket: 'nope-bucket', Key: 'k', Body: 'x' }))
    expect([noBucket.name, noBucket.$metadata?.httpStatusCode, (noBucket as { BucketName?: string }).BucketName]).toEqual(['NoSuchBucket', 404, 'nope-bucket'])
  })

  it('PutObject with If-None-Match: * creates once, then 412 PreconditionFailed; If-Match replaces only the named version', async () => {
    const sb = await sandbox()
    const s3 = s3For(sb)
    const first = await s3.putObject({ Bucket: BUCKET, Key: 'runs/a/000001.jsonl', Body: 'one\n', IfNoneMatch: '*' })
    expect(first.ETag).toMatch(/^"[0-9a-f]{32}"$/)
    const twice = await failure(s3.putObject({ Bucket: BUCKET, Key: 'runs/a/000001.jsonl', Body: 'clobber\n', IfNoneMatch: '*' }))
    expect([twice.name, twice.$metadata?.httpStatusCode]).toEqual(['PreconditionFailed', 412])
    const stale = await failure(s3.putObject({ Bucket: BUCKET, Key: 'runs/a/000001.jsonl', Body: 'x', IfMatch: '"00000000000000000000000000000000"' }))
    expect([stale.name, stale.$metadata?.httpStatusCode]).toEqual(['PreconditionFailed', 412])
    const absent = await failure(s3.putObject({ Bucket: BUCKET, Key: 'lock', Body: 'x', IfMatch: first.ETag }))
    expect([absent.name, absent.$metadata?.httpStatusCode]).toEqual(['NoSuchKey', 404])
    const second = await s3.putObject({ Bucket: BUCKET, Key: 'runs/a/000001.jsonl', Body: 'two\n', IfMatch: first.ETag })
    expect(second.ETag).not.toBe(first.ETag)
    expect(await (await s3.getObject({ Bucket: BUCKET, Key: 'runs/a/000001.jsonl' })).Body!.transformToString()).toBe('two\n')
    const ops = sb.calls().filter((c) => c.service === 's3').map((c) => `${c.operation}:${c.status}`)
    expect(ops).toEqual(['PutObject:200', 'PutObject:412', 'PutObject:412', 'PutObject:404', 'PutObject:200', 'GetObject:200'])
  })

  it('answers 409 ConditionalRequestConflict for a conditional write that races another (fault), which a retry gets past', async () => {
    const sb = await sandbox()
    const s3 = s3For(sb)
    sb.faults.add({ service: 's3', operation: 'PutObject', error: 'Conflict', times: 1 })
    const raced = await failure(s3.putObject({ Bucket: BUCKET, Key: 'lock', Body: 'me', IfNoneMatch: '*' }))
    expect([raced.name, raced.$metadata?.httpStatusCode]).toEqual(['ConditionalRequestConflict', 409])
    expect(sb.core.estate.s3?.buckets[0].Objects.lock).toBeUndefined()
    expect(sb.calls().at(-1)).toMatchObject({ service: 's3', operation: 'PutObject', status: 409, fault: 'Conflict' })
    await s3.putObject({ Bucket: BUCKET, Key: 'lock', Body: 'me', IfNoneMatch: '*' })
    expect(Buffer.from(sb.core.estate.s3!.buckets[0].Objects.lock.Body, 'base64').toString()).toBe('me')
  })

  it('GetObject, HeadObject and DeleteObject; NoSuchKey in S3\'s error shape; DeleteObject If-Match guards the version', async () => {
    const sb = await sandbox()
    const s3 = s3For(sb)
    const put = await s3.putObject({ Bucket: BUCKET, Key: 'dir/obj name.json', Body: '{"a":1}', ContentType: 'application/json', Metadata: { holder: 'ann' } })
    const head = await s3.headObject({ Bucket: BUCKET, Key: 'dir/obj name.json' })
    expect(head).toMatchObject({ ContentLength: 7, ContentType: 'application/json', ETag: put.ETag, Metadata: { holder: 'ann' }, ServerSideEncryption: 'AES256' })
    expect(head.LastModified?.toISOString()).toBe(new Date(Math.floor(sb.clock.now() / 1000) * 1000).toISOString())
    const missing = await failure(s3.getObject({ Bucket: BUCKET, Key: 'dir/none' }))
    expect([missing.name, missing.$metadata?.httpStatusCode, (missing as { Key?: string }).Key]).toEqual(['NoSuchKey', 404, 'dir/none'])
    const res = await fetch(`${sb.url}/${BUCKET}/dir/none`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=sandbox/20260302/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00' } })
    expect(await res.text()).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>dir\/none<\/Key><RequestId>[0-9A-F]+<\/RequestId><HostId>.+<\/HostId><\/Error>$/)
    const wrong = await failure(s3.deleteObject({ Bucket: BUCKET, Key: 'dir/obj name.json', IfMatch: '"0"' }))
    expect(wrong.$metadata?.httpStatusCode).toBe(412)
    await s3.deleteObject({ Bucket: BUCKET, Key: 'dir/obj name.json', IfMatch: put.ETag })
    expect((await failure(s3.headObject({ Bucket: BUCKET, Key: 'dir/obj name.json' }))).$metadata?.httpStatusCode).toBe(404)
    await s3.deleteObject({ Bucket: BUCKET, Key: 'dir/obj name.json' }) // 204 for a missing key, as S3
  })

  it('stores and echoes SSE-S3 and SSE-KMS with a key id', async () => {
    const sb = await sandbox()
    const s3 = s3For(sb)
    const kms = await s3.putObject({ Bucket: BUCKET, Key: 'kms', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/state' })
    expect(kms).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'arn:aws:kms:us-east-1:000000000000:alias/state' })
    const arn = 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab'
    await s3.putObject({ Bucket: BUCKET, Key: 'kms2', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn })
    expect(await s3.headObject({ Bucket: BUCKET, Key: 'kms2' })).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn })
    expect((await s3.putObject({ Bucket: BUCKET, Key: 'sse', Body: 'x', ServerSideEncryption: 'AES256' })).ServerSideEncryption).toBe('AES256')
    const bad = await failure(s3.putObject({ Bucket: BUCKET, Key: 'sse', Body: 'x', ServerSideEncryption: 'AES256', SSEKMSKeyId: arn }))
    expect([bad.name, bad.$metadata?.httpStatusCode]).toEqual(['InvalidArgument', 400])
  })

  it('ListObjectsV2 pages by MaxKeys with continuation tokens, in key order, under a prefix, with delimiters', async () => {
    const sb = await sandbox()
    const s3 = s3For(sb)
    for (const n of [3, 1, 10, 2, 7]) await s3.putObject({ Bucket: BUCKET, Key: `p/runs/r1/${String(n).padStart(6, '0')}.jsonl`, Body: String(n) })
    await s3.putObject({ Bucket: BUCKET, Key: 'p/runs/r2/000001.jsonl', Body: 'x' })
    await s3.putObject({ Bucket: BUCKET, Key: 'p/lock', Body: 'x' })
    const keys: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const page = await s3.listObjectsV2({ Bucket: BUCKET, Prefix: 'p/runs/r1/', MaxKeys: 2, ContinuationToken: token })
      pages++
      keys.push(...(page.Contents ?? []).map((c) => c.Key!))
      expect(page.KeyCount).toBe((page.Contents ?? []).length)
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    expect(pages).toBe(3)
    expect(keys).toEqual(['000001', '000002', '000003', '000007', '000010'].map((s) => `p/runs/r1/${s}.jsonl`))
    const runs = await s3.listObjectsV2({ Bucket: BUCKET, Prefix: 'p/runs/', Delimiter: '/' })
    expect(runs.CommonPrefixes?.map((c) => c.Prefix)).toEqual(['p/runs/r1/', 'p/runs/r2/'])
    const paged = await s3.listObjectsV2({ Bucket: BUCKET, Prefix: 'p/runs/', Delimiter: '/', MaxKeys: 1 })
    expect([paged.CommonPrefixes?.map((c) => c.Prefix), paged.IsTruncated]).toEqual([['p/runs/r1/'], true])
    const rest = await s3.listObjectsV2({ Bucket: BUCKET, Prefix: 'p/runs/', Delimiter: '/', ContinuationToken: paged.NextContinuationToken })
    expect(rest.CommonPrefixes?.map((c) => c.Prefix)).toEqual(['p/runs/r2/'])
    const bad = await failure(s3.listObjectsV2({ Bucket: BUCKET, ContinuationToken: 'garbage' }))
    expect([bad.name, bad.$metadata?.httpStatusCode]).toEqual(['InvalidArgument', 400])
  })

  it('serves virtual-hosted requests (Host: BUCKET.localhost) and refuses unsigned ones', async () => {
    const sb = await sandbox()
    await s3For(sb).putObject({ Bucket: BUCKET, Key: 'v/key', Body: 'hello' })
    const auth = 'AWS4-HMAC-SHA256 Credential=sandbox/20260302/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00'
    const { request } = await import('node:http')
    const get = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${sb.url}/v/key`, { headers: { host: `${BUCKET}.localhost:${new URL(sb.url).port}`, ...headers } }, (res) => {
          let body = ''
          res.on('data', (c) => (body += c))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        })
        req.on('error', reject)
        req.end()
      })
    expect(await get({ authorization: auth })).toEqual({ status: 200, body: 'hello' })
    const anonymous = await get({})
    expect([anonymous.status, /<Code>AccessDenied<\/Code>/.test(anonymous.body)]).toEqual([403, true])
  })

  it('accepts streamed (aws-chunked) uploads and keeps objects in state.json across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-s3-persist-'))
    const sb = await sandbox({ stateDir: dir, persist: true })
    const { Readable } = await import('node:stream')
    await s3For(sb).putObject({ Bucket: BUCKET, Key: 'streamed', Body: Readable.from([Buffer.from('a'.repeat(70_000)), Buffer.from('end')]), ContentLength: 70_003 })
    await sb.save()
    await sb.stop()
    const again = await sandbox({ stateDir: dir, persist: true })
    const body = await (await s3For(again).getObject({ Bucket: BUCKET, Key: 'streamed' })).Body!.transformToString()
    expect([body.length, body.slice(-3)]).toEqual([70_003, 'end'])
  })
})
