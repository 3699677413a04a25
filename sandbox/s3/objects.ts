/**
 * S3 object operations: PutObject (with the conditional writes S3 has had since 2024:
 * `If-None-Match: *` creates only, `If-Match: <etag>` replaces only that version; 412
 * PreconditionFailed otherwise, 404 NoSuchKey for If-Match on a missing key), GetObject and
 * HeadObject (If-Match / If-None-Match read conditions), DeleteObject (optionally If-Match).
 * Server-side encryption: SSE-S3 unless the request asks for SSE-KMS; stored and echoed.
 */
import { createHash } from 'node:crypto'
import type { S3Bucket, S3Object } from '../estate.js'
import type { SandboxRequest, SandboxResponse } from '../types.js'
import { invalidArgument, noSuchKey, notImplemented, preconditionFailed, s3Headers, S3Error } from './errors.js'
import { httpDate } from './store.js'
import { payloadOf } from './payload.js'

const header = (req: SandboxRequest, name: string): string | undefined => {
  const v = req.headers[name]
  return Array.isArray(v) ? v.join(',') : v
}

/** ETag lists compare without quotes (`"abc"` and `abc` name the same version). */
const etagMatches = (list: string, etag: string) => list.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/"/g, '')).some((t) => t === '*' || t === etag.replace(/"/g, ''))

function objectHeaders(o: S3Object): Record<string, string> {
  const meta = Object.fromEntries(Object.entries(o.Metadata ?? {}).map(([k, v]) => [`x-amz-meta-${k}`, v]))
  return {
    ...s3Headers(),
    etag: o.ETag,
    'last-modified': httpDate(o.LastModified),
    'content-type': o.ContentType ?? 'binary/octet-stream',
    'accept-ranges': 'bytes',
    'x-amz-server-side-encryption': o.ServerSideEncryption,
    ...(o.SSEKMSKeyId ? { 'x-amz-server-side-encryption-aws-kms-key-id': o.SSEKMSKeyId } : {}),
    ...meta,
  }
}

function encryptionOf(req: SandboxRequest, region: string, account: string): Pick<S3Object, 'ServerSideEncryption' | 'SSEKMSKeyId'> {
  const sse = header(req, 'x-amz-server-side-encryption') ?? 'AES256'
  if (sse !== 'AES256' && sse !== 'aws:kms' && sse !== 'aws:kms:dsse') {
    throw invalidArgument('The encryption method specified is not supported', 'x-amz-server-side-encryption', sse)
  }
  const keyId = header(req, 'x-amz-server-side-encryption-aws-kms-key-id')
  if (sse === 'AES256') {
    if (keyId) throw invalidArgument('Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id', keyId)
    return { ServerSideEncryption: 'AES256' }
  }
  // Without a key id S3 uses the account's aws/s3 managed key.
  const key = keyId ?? `arn:aws:kms:${region}:${account}:alias/aws/s3`
  const arn = key.startsWith('arn:') ? key : `arn:aws:kms:${region}:${account}:${key.startsWith('alias/') ? key : `key/${key}`}`
  return { ServerSideEncryption: sse, SSEKMSKeyId: arn }
}

export function putObject(req: SandboxRequest, bucket: S3Bucket, key: string, now: string, account: string): SandboxResponse {
  if (header(req, 'x-amz-copy-source')) throw new S3Error(501, 'NotImplemented', 'The sandbox does not serve CopyObject', { Header: 'x-amz-copy-source' })
  const ifNoneMatch = header(req, 'if-none-match')
  const ifMatch = header(req, 'if-match')
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') throw notImplemented('If-None-Match')
  const existing = bucket.Objects[key]
  if (ifNoneMatch !== undefined && existing) throw preconditionFailed('If-None-Match')
  if (ifMatch !== undefined) {
    if (!existing) throw noSuchKey(key)
    if (!etagMatches(ifMatch, existing.ETag)) throw preconditionFailed('If-Match')
  }
  const body = payloadOf(req)
  const encryption = encryptionOf(req, bucket.Region, account)
  const metadata = Object.fromEntries(
    Object.entries(req.headers)
      .filter(([k]) => k.startsWith('x-amz-meta-'))
      .map(([k, v]) => [k.slice('x-amz-meta-'.length), Array.isArray(v) ? v.join(',') : String(v)]),
  )
  const object: S3Object = {
    Key: key,
    Body: body.toString('base64'),
    ETag: `"${createHash('md5').update(body).digest('hex')}"`,
    LastModified: now,
    ...(header(req, 'content-type') ? { ContentType: header(req, 'content-type') } : {}),
    ...encryption,
    ...(Object.keys(metadata).length ? { Metadata: metadata } : {}),
  }
  bucket.Objects[key] = object
  const headers: Record<string, string> = { ...s3Headers(), etag: object.ETag, 'x-amz-server-side-encryption': object.ServerSideEncryption }
  if (object.SSEKMSKeyId) headers['x-amz-server-side-encryption-aws-kms-key-id'] = object.SSEKMSKeyId
  return { status: 200, headers }
}

/** GetObject or HeadObject (Node sends no body for HEAD, but the Content-Length of this one). */
export function getObject(req: SandboxRequest, bucket: S3Bucket, key: string): SandboxResponse {
  const object = bucket.Objects[key]
  if (!object) throw noSuchKey(key)
  const ifMatch = header(req, 'if-match')
  if (ifMatch !== undefined && !etagMatches(ifMatch, object.ETag)) throw preconditionFailed('If-Match')
  const ifNoneMatch = header(req, 'if-none-match')
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, object.ETag)) return { status: 304, headers: { ...s3Headers(), etag: object.ETag } }
  const body = Buffer.from(object.Body, 'base64')
  return { status: 200, headers: objectHeaders(object), body }
}

/** DeleteObject: 204 whether or not the key existed, unless If-Match names another version. */
export function deleteObject(req: SandboxRequest, bucket: S3Bucket, key: string): SandboxResponse {
  const ifMatch = header(req, 'if-match')
  const existing = bucket.Objects[key]
  if (ifMatch !== undefined) {
    if (!existing) throw noSuchKey(key)
    if (!etagMatches(ifMatch, existing.ETag)) throw preconditionFailed('If-Match')
  }
  delete bucket.Objects[key]
  return { status: 204, headers: s3Headers() }
}
