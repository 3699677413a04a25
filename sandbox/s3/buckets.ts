/**
 * S3 bucket operations: CreateBucket, HeadBucket, DeleteBucket, ListBuckets and ListObjectsV2
 * (prefix, delimiter, start-after, max-keys and continuation tokens; keys in UTF-8 binary order,
 * as S3 lists them; `encoding-type=url` encodes keys, as the AWS CLI asks).
 */
import type { Estate } from '../estate.js'
import type { SandboxRequest, SandboxResponse } from '../types.js'
import type { XmlOut } from '../route53/xml.js'
import { invalidArgument, s3Headers, S3Error, xmlAnswer } from './errors.js'
import { bucketOf, buckets, findBucket, validBucketName } from './store.js'
import { parseXml, child } from '../route53/xml.js'

export function createBucket(req: SandboxRequest, estate: Estate, name: string, now: string): SandboxResponse {
  if (!validBucketName(name)) throw new S3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.', { BucketName: name })
  if (findBucket(estate, name)) throw new S3Error(409, 'BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', { BucketName: name })
  let region = 'us-east-1'
  const text = req.body.toString('utf8').trim()
  if (text) {
    const location = child(parseXml(text), 'LocationConstraint')?.text.trim()
    if (location) region = location
  }
  buckets(estate).push({ Name: name, Region: region, CreationDate: now, Objects: {} })
  return { status: 200, headers: { ...s3Headers(), location: `/${name}` } }
}

export function headBucket(estate: Estate, name: string): SandboxResponse {
  const bucket = bucketOf(estate, name)
  return { status: 200, headers: { ...s3Headers(), 'x-amz-bucket-region': bucket.Region } }
}

export function deleteBucket(estate: Estate, name: string): SandboxResponse {
  const bucket = bucketOf(estate, name)
  if (Object.keys(bucket.Objects).length > 0) throw new S3Error(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty', { BucketName: name })
  estate.s3!.buckets = buckets(estate).filter((b) => b !== bucket)
  return { status: 204, headers: s3Headers() }
}

export function listBuckets(estate: Estate): SandboxResponse {
  return xmlAnswer('ListAllMyBucketsResult', [
    ['Owner', [['ID', estate.account], ['DisplayName', 'sandbox']]],
    ['Buckets', buckets(estate).map((b): XmlOut => ['Bucket', [['Name', b.Name], ['CreationDate', b.CreationDate], ['BucketRegion', b.Region]]])],
  ])
}

const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

export function listObjectsV2(estate: Estate, name: string, q: URLSearchParams): SandboxResponse {
  const bucket = bucketOf(estate, name)
  const prefix = q.get('prefix') ?? ''
  const delimiter = q.get('delimiter') ?? ''
  const maxRaw = q.get('max-keys')
  const maxKeys = maxRaw === null ? 1000 : Number(maxRaw)
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', maxRaw ?? '')
  const token = q.get('continuation-token')
  let after = q.get('start-after') ?? ''
  if (token !== null) {
    const decoded = decodeToken(token)
    if (decoded === null) throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token)
    after = decoded
  }
  const encode = q.get('encoding-type') === 'url' ? (s: string) => encodeURIComponent(s).replace(/%2F/g, '/') : (s: string) => s
  const keys = Object.keys(bucket.Objects).filter((k) => k.startsWith(prefix) && utf8Order(k, after) > 0).sort(utf8Order)
  const contents: string[] = []
  const common: string[] = []
  let last = ''
  let truncated = false
  for (const key of keys) {
    const rest = key.slice(prefix.length)
    const cut = delimiter ? rest.indexOf(delimiter) : -1
    const group = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : null
    if (group !== null && common.at(-1) === group) continue
    if (contents.length + common.length >= maxKeys) {
      truncated = true
      break
    }
    if (group !== null) {
      common.push(group)
      last = group + '\uffff' // past every key of the group
    } else {
      contents.push(key)
      last = key
    }
  }
  const children: XmlOut[] = [
    ['Name', name],
    ['Prefix', encode(prefix)],
    ...(delimiter ? [['Delimiter', encode(delimiter)] as XmlOut] : []),
    ['MaxKeys', maxKeys],
    ['KeyCount', contents.length + common.length],
    ['IsTruncated', truncated],
    ...(token !== null ? [['ContinuationToken', token] as XmlOut] : []),
    ...(truncated ? [['NextContinuationToken', encodeToken(last)] as XmlOut] : []),
    ...(q.get('start-after') !== null ? [['StartAfter', encode(q.get('start-after')!)] as XmlOut] : []),
    ...(q.get('encoding-type') === 'url' ? [['EncodingType', 'url'] as XmlOut] : []),
    ...contents.map((key): XmlOut => {
      const o = bucket.Objects[key]
      return ['Contents', [['Key', encode(key)], ['LastModified', o.LastModified], ['ETag', o.ETag], ['Size', Buffer.from(o.Body, 'base64').length], ['StorageClass', 'STANDARD']]]
    }),
    ...common.map((p): XmlOut => ['CommonPrefixes', [['Prefix', encode(p)]]]),
  ]
  return xmlAnswer('ListBucketResult', children)
}

function encodeToken(lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: lastKey })).toString('base64')
}

function decodeToken(token: string): string | null {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { v?: unknown; after?: unknown }
    return value.v === 1 && typeof value.after === 'string' ? value.after : null
  } catch {
    return null
  }
}
