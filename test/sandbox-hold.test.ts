import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'
import type { HoldStatus } from '../sandbox/hold.js'

const started: RunningSandbox[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()))
})

async function sandbox(): Promise<RunningSandbox> {
  const sb = await startSandbox({ stateDir: await mkdtemp(join(tmpdir(), 'sandbox-hold-')) })
  started.push(sb)
  return sb
}

/** One EventBridge JSON 1.1 call; resolves with the HTTP status, or 'dropped' if the connection died. */
function events(sb: RunningSandbox, op: string, body: object): Promise<number | 'dropped'> {
  return fetch(sb.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${op}` },
    body: JSON.stringify(body),
  }).then(
    (r) => r.status,
    () => 'dropped' as const,
  )
}

const hold = async (sb: RunningSandbox, method: string, body?: object): Promise<HoldStatus> =>
  (await fetch(`${sb.url}/_sandbox/hold`, { method, body: body && JSON.stringify(body) })).json() as Promise<HoldStatus>

const ruleState = (sb: RunningSandbox, name: string) => sb.core.estate.events.rules.find((r) => r.Name === name)?.State

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 5))
}

describe('sandbox hold', () => {
  it('in-flight: applies the k-th mutating call, withholds its answer, and drops it on release', async () => {
    const sb = await sandbox()
    expect(await hold(sb, 'POST', { mutatingIndex: 2, phase: 'in-flight' })).toMatchObject({ armed: true, reached: false })
    expect(await events(sb, 'DescribeRule', { Name: 'prod-inventory-sync' })).toBe(200)
    expect(await events(sb, 'DisableRule', { Name: 'prod-orders-hourly-report' })).toBe(200)
    const second = events(sb, 'DisableRule', { Name: 'prod-inventory-sync' })
    await until(async () => (await hold(sb, 'GET')).reached)
    expect(await hold(sb, 'GET')).toMatchObject({ reached: true, mutatingSeen: 2, heldOperation: 'DisableRule' })
    expect(ruleState(sb, 'prod-inventory-sync')).toBe('DISABLED')
    expect(await hold(sb, 'DELETE')).toMatchObject({ armed: false, reached: false })
    expect(await second).toBe('dropped')
    // Disarmed: calls are answered again.
    expect(await events(sb, 'EnableRule', { Name: 'prod-inventory-sync' })).toBe(200)
  })

  it('after: answers the k-th mutating call and holds the next request unserved', async () => {
    const sb = await sandbox()
    await hold(sb, 'POST', { mutatingIndex: 1, phase: 'after' })
    expect(await events(sb, 'DisableRule', { Name: 'prod-orders-hourly-report' })).toBe(200)
    expect((await hold(sb, 'GET')).reached).toBe(false)
    // Control requests pass: a remote clock keeps working while the hold waits.
    expect((await fetch(`${sb.url}/_sandbox/clock`)).status).toBe(200)
    const next = events(sb, 'DisableRule', { Name: 'prod-inventory-sync' })
    await until(async () => (await hold(sb, 'GET')).reached)
    expect(await hold(sb, 'GET')).toMatchObject({ reached: true, mutatingSeen: 1, heldOperation: 'POST /' })
    expect(ruleState(sb, 'prod-inventory-sync')).toBe('ENABLED')
    await hold(sb, 'DELETE')
    expect(await next).toBe('dropped')
    expect(ruleState(sb, 'prod-inventory-sync')).toBe('ENABLED')
    expect(sb.calls().filter((c) => c.operation === 'DisableRule')).toHaveLength(1)
  })

  it('counts only applied mutating calls: a throttled one does not move k', async () => {
    const sb = await sandbox()
    sb.faults.add({ service: 'events', operation: 'DisableRule', error: 'Throttling', nth: 1 })
    await hold(sb, 'POST', { mutatingIndex: 1, phase: 'in-flight' })
    expect(await events(sb, 'DisableRule', { Name: 'prod-orders-hourly-report' })).toBe(400)
    expect(await hold(sb, 'GET')).toMatchObject({ mutatingSeen: 0, reached: false })
    const retry = events(sb, 'DisableRule', { Name: 'prod-orders-hourly-report' })
    await until(async () => (await hold(sb, 'GET')).reached)
    expect(await hold(sb, 'GET')).toMatchObject({ mutatingSeen: 1, reached: true })
    await hold(sb, 'DELETE')
    expect(await retry).toBe('dropped')
  })

  it('rejects a malformed hold with 400 and stays disarmed', async () => {
    const sb = await sandbox()
    const r = await fetch(`${sb.url}/_sandbox/hold`, { method: 'POST', body: JSON.stringify({ mutatingIndex: 0, phase: 'later' }) })
    expect(r.status).toBe(400)
    expect((await r.json()).message).toMatch(/mutatingIndex/)
    expect(await hold(sb, 'GET')).toMatchObject({ armed: false })
    expect(await events(sb, 'DisableRule', { Name: 'prod-orders-hourly-report' })).toBe(200)
  })
})
