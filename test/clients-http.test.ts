/**
 * runner/clients/http.ts against a real HTTP server on 127.0.0.1: what the sandbox clock and the
 * HTTP and Prometheus gates need from it, and that a CLI using it never loads Node's fetch.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { httpFetch, MAX_BODY_BYTES } from '../runner/clients/http.js'
import { scratchPerTest } from './helpers/scratch.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const scratch = scratchPerTest('switchover-http-')
let server: Server | undefined
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((r) => server?.close(r) ?? r(undefined))
  server = undefined
})

async function serve(handler: (req: IncomingMessage, body: string, res: import('node:http').ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => handler(req, body, res))
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`
}

describe('the HTTP client', () => {
  it('sends the method, headers and body, and reads the status and the whole answer', async () => {
    const seen: Array<{ method?: string; type?: string; auth?: string; length?: string; body: string; url?: string }> = []
    const base = await serve((req, body, res) => {
      seen.push({ method: req.method, type: req.headers['content-type'], auth: req.headers.authorization, length: req.headers['content-length'], body, url: req.url })
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ now: 42, echo: body }))
    })
    const r = await httpFetch(new URL('api/v1/query?x=1', `${base}/`), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer t' }, body: 'query=up%20%3D%3D%201' })
    expect(r.status).toBe(201)
    expect(r.ok).toBe(true)
    expect(await r.json()).toEqual({ now: 42, echo: 'query=up%20%3D%3D%201' })
    expect(seen).toEqual([{ method: 'POST', type: 'application/x-www-form-urlencoded', auth: 'Bearer t', length: '21', body: 'query=up%20%3D%3D%201', url: '/api/v1/query?x=1' }])
  })

  it('does not follow a redirect: the 3xx is the answer', async () => {
    const base = await serve((req, _b, res) => (req.url === '/health' ? res.writeHead(302, { location: '/elsewhere' }).end() : res.writeHead(200).end('ok')))
    const r = await httpFetch(`${base}/health`)
    expect(r.status).toBe(302)
    expect(r.ok).toBe(false)
  })

  it('stops at the signal: aborted before, and while waiting for the answer', async () => {
    const base = await serve(() => undefined) // never answers
    const before = new AbortController()
    before.abort(new Error('cancelled before'))
    await expect(httpFetch(base, { signal: before.signal })).rejects.toThrow('cancelled before')
    const during = new AbortController()
    const p = httpFetch(base, { signal: during.signal })
    setTimeout(() => during.abort(new Error('operator interrupted')), 50)
    await expect(p).rejects.toThrow('operator interrupted')
  })

  it('refuses an answer larger than its limit, and an unreachable server, with errors that say so', async () => {
    const base = await serve((_req, _b, res) => {
      res.writeHead(200)
      const chunk = Buffer.alloc(1024 * 1024, 'x')
      for (let i = 0; i <= MAX_BODY_BYTES / chunk.length; i++) res.write(chunk)
      res.end()
    })
    await expect(httpFetch(base)).rejects.toThrow(/larger than 4 MiB/)
    await expect(httpFetch('http://127.0.0.1:1/')).rejects.toThrow(/ECONNREFUSED/)
    await expect(httpFetch('ftp://127.0.0.1/')).rejects.toThrow(/unsupported URL scheme ftp:/)
  })
})

describe('the bundled CLI on a sandbox in another process', () => {
  it('never loads Node\'s fetch (undici), whose WebAssembly parser costs about 25 MiB at start', async () => {
    // A plan reads the sandbox's clock through PLAYBOOK_SANDBOX_URL, as with `playbook sandbox serve`.
    const { dir, sb } = await scratch.sandbox()
    const probe = `data:text/javascript,${encodeURIComponent("process.on('exit', () => process.stderr.write('UNDICI ' + process.moduleLoadList.some((m) => m.includes('undici')) + '\\n'))")}`
    const child = spawn(process.execPath, ['--import', probe, join(ROOT, 'dist/bundle/playbook.js'), '--state-dir', join(dir, 'state'), 'plan', join(ROOT, 'playbooks/switchover.yaml'), '--env', 'test'], { cwd: dir, env: { ...process.env, ...sb.env, NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.setEncoding('utf8').on('data', (t: string) => (err += t))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code, err).toBe(0)
    expect(sb.calls().some((c) => c.service === 'control')).toBe(true)
    expect(err).toContain('UNDICI false')
    // The probe does see a fetch: a process that uses one prints true.
    const control = spawnSync(process.execPath, ['--import', probe, '-e', 'fetch("http://127.0.0.1:1").catch(() => {})'], { encoding: 'utf8' })
    expect(control.stderr).toContain('UNDICI true')
  }, 60_000)
})
