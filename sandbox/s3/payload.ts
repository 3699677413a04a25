/**
 * The request payload as S3 stores it. SigV4 streaming uploads (`Content-Encoding: aws-chunked`,
 * `x-amz-content-sha256: STREAMING-...`) frame the bytes as `<hex size>[;chunk-signature=..]\r\n
 * <data>\r\n` chunks ending with a zero-size chunk and optional trailers (checksums); the SDK
 * uses them for streamed bodies. Signatures are not checked, as elsewhere in the sandbox.
 */
import type { SandboxRequest } from '../types.js'
import { S3Error } from './errors.js'

export function payloadOf(req: SandboxRequest): Buffer {
  const sha = String(req.headers['x-amz-content-sha256'] ?? '')
  const encoding = String(req.headers['content-encoding'] ?? '')
  if (!sha.startsWith('STREAMING-') && !encoding.split(',').map((s) => s.trim()).includes('aws-chunked')) return req.body
  return unchunk(req.body)
}

function unchunk(raw: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const eol = raw.indexOf('\r\n', at)
    if (eol < 0) throw incomplete()
    const size = parseInt(raw.subarray(at, eol).toString('latin1').split(';')[0], 16)
    if (!Number.isFinite(size) || size < 0) throw incomplete()
    if (size === 0) return Buffer.concat(parts)
    const start = eol + 2
    if (start + size > raw.length) throw incomplete()
    parts.push(raw.subarray(start, start + size))
    at = start + size + 2
  }
}

const incomplete = () => new S3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.')
