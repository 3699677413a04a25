/**
 * The S3 REST-XML protocol on the sandbox server. A request is S3's when its SigV4 credential
 * scope names the service `s3` (`Authorization: AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/s3/
 * aws4_request`, or `X-Amz-Credential` for a presigned URL) or when its Host is virtual-hosted
 * (`BUCKET.localhost[:port]`). Buckets come path-style (`/BUCKET/KEY`) or from that Host.
 * Signatures are read for routing, not verified, as for the other services; an unsigned request
 * is refused (S3 needs SigV4 for conditional writes, and the state bucket is never public).
 */
import type { InjectedError, Operation, SandboxCore, SandboxRequest, SandboxResponse, ServiceHandler } from '../types.js'
import { XmlSyntaxError } from '../route53/xml.js'
import { createBucket, deleteBucket, headBucket, listBuckets, listObjectsV2 } from './buckets.js'
import { conditionalRequestConflict, errorAnswer, S3_NS, S3Error, s3Headers } from './errors.js'
import { deleteObject, getObject, putObject } from './objects.js'
import { bucketOf } from './store.js'

type Target = { bucket?: string; key?: string }

const VHOST = /^([a-z0-9][a-z0-9.-]*)\.localhost(:\d+)?$/

function scopeService(req: SandboxRequest): string | undefined {
  const auth = String(req.headers.authorization ?? '')
  const credential = /Credential=([^,\s]+)/.exec(auth)?.[1] ?? req.url.searchParams.get('X-Amz-Credential') ?? ''
  return credential.split('/')[3]
}

function targetOf(req: SandboxRequest): Target {
  const host = String(req.headers.host ?? '').toLowerCase()
  const vhost = VHOST.exec(host)?.[1]
  const path = req.url.pathname
  if (vhost) return path.length > 1 ? { bucket: vhost, key: decodeURIComponent(path.slice(1)) } : { bucket: vhost }
  const slash = path.indexOf('/', 1)
  if (path.length <= 1) return {}
  if (slash < 0 || slash === path.length - 1) return { bucket: decodeURIComponent(path.slice(1, slash < 0 ? undefined : slash)) }
  return { bucket: decodeURIComponent(path.slice(1, slash)), key: decodeURIComponent(path.slice(slash + 1)) }
}

const op = (name: string, mutating = false): Operation => ({ name, mutating })

function identify(req: SandboxRequest): Operation | null {
  const { bucket, key } = targetOf(req)
  const q = req.url.searchParams
  const m = req.method
  if (bucket === undefined) return m === 'GET' ? op('ListBuckets') : null
  if (key === undefined) {
    if (m === 'PUT' && [...q.keys()].length === 0) return op('CreateBucket', true)
    if (m === 'HEAD') return op('HeadBucket')
    if (m === 'DELETE' && [...q.keys()].length === 0) return op('DeleteBucket', true)
    if (m === 'GET' && q.get('list-type') === '2') return op('ListObjectsV2')
    if (m === 'GET' && q.has('location')) return op('GetBucketLocation')
    return null
  }
  if ([...q.keys()].some((k) => ['uploads', 'uploadId', 'tagging', 'acl', 'retention', 'legal-hold', 'attributes'].includes(k))) return null
  if (m === 'PUT') return op('PutObject', true)
  if (m === 'GET') return op('GetObject')
  if (m === 'HEAD') return op('HeadObject')
  if (m === 'DELETE') return op('DeleteObject', true)
  return null
}

function serve(req: SandboxRequest, operation: Operation, sb: SandboxCore): SandboxResponse {
  const { bucket = '', key = '' } = targetOf(req)
  const estate = sb.estate
  const now = new Date(sb.time.now()).toISOString()
  switch (operation.name) {
    case 'ListBuckets':
      return listBuckets(estate)
    case 'CreateBucket':
      return createBucket(req, estate, bucket, now)
    case 'HeadBucket':
      return headBucket(estate, bucket)
    case 'DeleteBucket':
      return deleteBucket(estate, bucket)
    case 'ListObjectsV2':
      return listObjectsV2(estate, bucket, req.url.searchParams)
    case 'GetBucketLocation': {
      const region = bucketOf(estate, bucket).Region
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_NS}">${region === 'us-east-1' ? '' : region}</LocationConstraint>`
      return { status: 200, headers: { ...s3Headers(), 'content-type': 'application/xml' }, body }
    }
    case 'PutObject':
      return putObject(req, bucketOf(estate, bucket), key, now, estate.account)
    case 'GetObject':
    case 'HeadObject':
      return getObject(req, bucketOf(estate, bucket), key)
    case 'DeleteObject':
      return deleteObject(req, bucketOf(estate, bucket), key)
    default:
      throw new S3Error(501, 'NotImplemented', `The sandbox's S3 does not serve ${req.method} ${req.url.pathname}${req.url.search}`)
  }
}

export const s3Handler: ServiceHandler = {
  service: 's3',
  matches: (req) => scopeService(req) === 's3' || VHOST.test(String(req.headers.host ?? '').toLowerCase()),
  identify,

  handle(req: SandboxRequest, operation: Operation, sb: SandboxCore): SandboxResponse {
    try {
      if (scopeService(req) !== 's3') throw new S3Error(403, 'AccessDenied', 'Anonymous access is denied: sign the request with AWS Signature Version 4')
      return serve(req, operation, sb)
    } catch (err) {
      if (err instanceof S3Error) return errorAnswer(err, req.method)
      if (err instanceof XmlSyntaxError) return errorAnswer(new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema'), req.method)
      if (err instanceof URIError) return errorAnswer(new S3Error(400, 'InvalidURI', "Couldn't parse the specified URI."), req.method)
      throw err
    }
  },

  errorFor(error: InjectedError, operation: Operation): SandboxResponse {
    const method = operation.name.startsWith('Head') ? 'HEAD' : 'GET'
    switch (error) {
      case 'Conflict':
        return { ...errorAnswer(conditionalRequestConflict(), method), fault: 'Conflict' }
      case 'Throttling':
      case 'PriorRequestNotComplete':
        return { ...errorAnswer(new S3Error(503, 'SlowDown', 'Please reduce your request rate.'), method), fault: error }
      case 'InternalError':
      case 'Timeout':
        return { ...errorAnswer(new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.'), method), fault: error }
    }
  },
}
