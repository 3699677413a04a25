import { mkdtemp, readFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { referenceEstate } from '../fixtures/generate.js'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'
import type { Controller } from '../sandbox/types.js'
import { route53For } from './sandbox-route53-client.js'

const started: RunningSandbox[] = []
async function sandbox(opts: Parameters<typeof startSandbox>[0] = {}): Promise<RunningSandbox> {
  const stateDir = opts.stateDir ?? (await mkdtemp(join(tmpdir(), 'sandbox-core-')))
  const sb = await startSandbox({ ...opts, stateDir })
  started.push(sb)
  return sb
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()))
})

const post = (url: string, body?: unknown) => fetch(url, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) })

describe('sandbox server', () => {
  it('listens on 127.0.0.1 and stop() closes it, keep-alive connections included', async () => {
    const sb = await sandbox()
    expect(sb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const r53 = route53For(sb.url)
    await r53.listHostedZones({})
    await sb.stop()
    await expect(fetch(`${sb.url}/_sandbox/clock`)).rejects.toThrow()
  })

  it('exports the environment a shell or the runner needs, with a kubeconfig for the same port', async () => {
    const sb = await sandbox()
    expect(sb.env).toMatchObject({ AWS_ENDPOINT_URL: sb.url, AWS_REGION: 'us-east-1', KUBECONFIG: sb.kubeconfigPath, PLAYBOOK_SANDBOX_URL: sb.url })
    expect(sb.env.AWS_ACCESS_KEY_ID && sb.env.AWS_SECRET_ACCESS_KEY).toBeTruthy()
    const config = parse(await readFile(sb.kubeconfigPath, 'utf8'))
    expect(config['current-context']).toBe('sandbox')
    expect(config.clusters[0].cluster.server).toBe(sb.url)
    expect(config.users[0].user.token).toBeTruthy()
  })

  it('serves the control API: clock, advance, dump, calls; logs it as service control', async () => {
    const sb = await sandbox({ handlers: [] })
    const start = Date.parse(referenceEstate().now)
    expect(await (await fetch(`${sb.url}/_sandbox/clock`)).json()).toEqual({ now: start, iso: referenceEstate().now })
    const advanced = await (await post(`${sb.url}/_sandbox/clock/advance`, { ms: 3_600_000 })).json()
    expect(advanced.now).toBe(start + 3_600_000)
    expect(sb.clock.now()).toBe(start + 3_600_000)
    expect((await post(`${sb.url}/_sandbox/clock/advance`, { ms: 'soon' })).status).toBe(400)
    expect(await (await fetch(`${sb.url}/_sandbox/dump`)).json()).toEqual(sb.dump())
    const calls = await (await fetch(`${sb.url}/_sandbox/calls`)).json()
    expect(calls.map((c: { operation: string }) => c.operation)).toEqual(['GetClock', 'AdvanceClock', 'AdvanceClock', 'Dump'])
    expect(calls.every((c: { service: string; mutating: boolean }) => c.service === 'control' && !c.mutating)).toBe(true)
    expect(calls[1].at).toBe(new Date(start + 3_600_000).toISOString())
  })

  it('appends every call to calls.jsonl, flushed by stop()', async () => {
    const sb = await sandbox()
    const r53 = route53For(sb.url)
    await r53.listHostedZones({})
    await r53.getHostedZone({ Id: 'Z0EXAMPLE0001' })
    await sb.stop()
    const lines = (await readFile(join(sb.stateDir, 'calls.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l))
    expect(lines).toEqual(sb.calls())
    expect(lines.map((l) => [l.service, l.operation, l.mutating, l.status])).toEqual([
      ['route53', 'ListHostedZones', false, 200],
      ['route53', 'GetHostedZone', false, 200],
    ])
  })
})

describe('virtual time', () => {
  /** A controller with events every `period` ms from `origin`, recording when it ran. */
  function ticker(name: string, origin: number, period: number, log: string[]): Controller {
    return {
      name,
      nextEventAfter: (after) => origin + (Math.floor((after - origin) / period) + 1) * period,
      runAt: (t) => void log.push(`${name}@${(t - origin) / 1000}`),
    }
  }

  it('advance runs every controller event in (now, now+ms] in time order, one tick at a time', async () => {
    const origin = Date.parse(referenceEstate().now)
    const log: string[] = []
    const sb = await sandbox({ handlers: [], controllers: [ticker('a', origin, 10_000, log), ticker('b', origin, 15_000, log)] })
    sb.core.time.advance(30_000)
    expect(log).toEqual(['a@10', 'b@15', 'a@20', 'a@30', 'b@30'])
    log.length = 0
    await sb.clock.sleep(14_999)
    expect(log).toEqual(['a@40'])
    expect(sb.clock.virtual).toBe(true)
    expect(sb.clock.now()).toBe(origin + 44_999)
  })

  it('in flow mode follows the real clock before serving each request', async () => {
    const sb = await sandbox({ handlers: [], config: { flow: true } })
    const first = (await (await fetch(`${sb.url}/_sandbox/clock`)).json()).now
    await new Promise((resolve) => setTimeout(resolve, 25))
    const second = (await (await fetch(`${sb.url}/_sandbox/clock`)).json()).now
    expect(second).toBeGreaterThan(first)
    const advanced = (await (await post(`${sb.url}/_sandbox/clock/advance`, { ms: 3_600_000 })).json()).now
    expect(advanced - second).toBeGreaterThanOrEqual(3_600_000)
  })

  it('the runner clock sleeps by advancing and honours an aborted signal', async () => {
    const sb = await sandbox({ handlers: [] })
    const before = sb.clock.now()
    await sb.clock.sleep(3_600_000)
    expect(sb.clock.now() - before).toBe(3_600_000)
    const ac = new AbortController()
    ac.abort(new Error('stop'))
    await expect(sb.clock.sleep(1000, ac.signal)).rejects.toThrow('stop')
  })
})

describe('fault injection', () => {
  it('fails only the nth call, or every Nth call, with the service error shape; clear() stops it', async () => {
    const sb = await sandbox()
    const r53 = route53For(sb.url)
    sb.faults.add({ service: 'route53', operation: 'ListHostedZones', error: 'InternalError', nth: 2 })
    await r53.listHostedZones({})
    await expect(r53.listHostedZones({})).rejects.toMatchObject({ name: 'InternalFailure', $metadata: { httpStatusCode: 500 } })
    await r53.listHostedZones({})
    sb.faults.clear()
    sb.faults.add({ operation: 'GetHostedZone', error: 'Throttling', every: 2 })
    const results = []
    for (let i = 0; i < 4; i++) results.push(await r53.getHostedZone({ Id: 'Z0EXAMPLE0001' }).then(() => 'ok', (e: Error) => e.name))
    expect(results).toEqual(['ok', 'Throttling', 'ok', 'Throttling'])
    const faults = sb.calls().filter((c) => c.fault)
    expect(faults.map((c) => [c.operation, c.fault, c.status])).toEqual([
      ['ListHostedZones', 'InternalError', 500],
      ['GetHostedZone', 'Throttling', 400],
      ['GetHostedZone', 'Throttling', 400],
    ])
  })

  it('is configurable through the control API, and the SDK retries an injected 500', async () => {
    const sb = await sandbox()
    expect((await post(`${sb.url}/_sandbox/faults`, { operation: 'ListHostedZones', error: 'InternalError', times: 2 })).status).toBe(200)
    expect((await post(`${sb.url}/_sandbox/faults`, { operation: 'X', error: 'Nope' })).status).toBe(400)
    const out = await route53For(sb.url, { maxAttempts: 3 }).listHostedZones({})
    expect(out.$metadata.attempts).toBe(3)
    expect((await fetch(`${sb.url}/_sandbox/faults`, { method: 'DELETE' })).status).toBe(200)
    const served = sb.calls().filter((c) => c.service === 'route53')
    expect(served.map((c) => c.status)).toEqual([500, 500, 200])
  })

  it('Timeout holds the request and drops the connection without an answer', async () => {
    const sb = await sandbox({ timeoutFaultMs: 50 })
    sb.faults.add({ operation: 'GetHostedZone', error: 'Timeout', nth: 1 })
    const outcome = await new Promise<string>((resolve) => {
      const req = request(`${sb.url}/2013-04-01/hostedzone/Z0EXAMPLE0001`, (res) => resolve(`answered ${res.statusCode}`))
      req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`))
      req.end()
    })
    expect(outcome).toBe('error ECONNRESET')
    expect(sb.calls().at(-1)).toMatchObject({ operation: 'GetHostedZone', status: 0, fault: 'Timeout' })
    expect((await route53For(sb.url).getHostedZone({ Id: 'Z0EXAMPLE0001' })).HostedZone?.Name).toBe('example.com.')
  })
})
