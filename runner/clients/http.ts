/**
 * A small HTTP client over node:http and node:https, for the few plain HTTP calls the runner
 * makes: the sandbox's clock (`runner/clients/remote-clock.ts`) and the HTTP and Prometheus gates.
 *
 * Node's global `fetch` would do, but loading it loads undici, whose HTTP parser is WebAssembly:
 * compiling it raised the CLI's RSS by about 25 MiB for a moment at start, the peak of a whole
 * run on the sandbox. This speaks the subset of `fetch` those callers use: a method, headers, a
 * string body, an abort signal; redirects are never followed (an HTTP gate sees the 3xx itself),
 * and the answer is read whole, up to {@link MAX_BODY_BYTES}.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'

export type HttpInit = { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal }
export type HttpAnswer = { status: number; ok: boolean; headers: Record<string, string | string[] | undefined>; text(): Promise<string>; json(): Promise<unknown> }
export type HttpFetch = (url: string | URL, init?: HttpInit) => Promise<HttpAnswer>

export const MAX_BODY_BYTES = 4 * 1024 * 1024

export const httpFetch: HttpFetch = (url, init = {}) => {
  const u = typeof url === 'string' ? new URL(url) : url
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return Promise.reject(new Error(`unsupported URL scheme ${u.protocol} in ${u.href}`))
  const signal = init.signal
  if (signal?.aborted) return Promise.reject(signal.reason)
  return new Promise<HttpAnswer>((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body)
    const headers = { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) }
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, { method: init.method ?? 'GET', headers, ...(signal ? { signal } : {}) }, (res: IncomingMessage) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size > MAX_BODY_BYTES) {
          res.destroy(new Error(`the answer from ${u.origin} is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`))
          return
        }
        chunks.push(c)
      })
      res.on('error', reject)
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        const status = res.statusCode ?? 0
        resolve({ status, ok: status >= 200 && status < 300, headers: res.headers, text: async () => text, json: async () => JSON.parse(text) as unknown })
      })
    })
    req.on('error', (e) => reject(signal?.aborted ? signal.reason : e))
    req.end(body)
  })
}
