import { mkdtemp, readFile, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { referenceEstate } from '../fixtures/generate.js'
import { canonicalJson, sameState } from '../runner/canonical.js'
import { dumpCommand, resetCommand, serveCommand } from '../sandbox/commands.js'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'
import { route53For } from './sandbox-route53-client.js'

const started: RunningSandbox[] = []
const tempDir = () => mkdtemp(join(tmpdir(), 'sandbox-state-'))
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()))
})
async function sandbox(opts: Parameters<typeof startSandbox>[0] = {}) {
  const sb = await startSandbox({ stateDir: await tempDir(), ...opts })
  started.push(sb)
  return sb
}

const lowerOrdersTtl = (url: string) =>
  route53For(url).changeResourceRecordSets({
    HostedZoneId: 'Z0EXAMPLE0001',
    ChangeBatch: {
      Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'orders.example.com.', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'orders-ecs-1234.us-east-1.elb.amazonaws.com' }] } }],
    },
  })

describe('canonical JSON', () => {
  it('sorts keys at every depth, keeps array order and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined, x: 0 }], c: undefined } })).toBe('{"a":{"d":[2,{"x":0,"z":1}]},"b":1}')
    expect(sameState({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true)
    expect(sameState({ b: [1, 2] }, { b: [2, 1] })).toBe(false)
  })
})

describe('dump and reset', () => {
  it('dump after reset equals the seed dump; the dump leaves out change records and time', async () => {
    const sb = await sandbox()
    const seed = sb.dump()
    await lowerOrdersTtl(sb.url)
    await sb.clock.sleep(120_000)
    expect(sameState(sb.dump(), seed)).toBe(false)
    sb.reset()
    expect(sb.dump()).toEqual(seed)
    expect(sb.clock.now()).toBe(Date.parse(referenceEstate().now))
    const text = JSON.stringify(seed)
    expect(text).not.toContain('InsyncAt')
    expect(text).not.toContain(referenceEstate().now)
    expect(canonicalJson(seed)).toBe(JSON.stringify(seed))
  })

  it('reset over the control API restores the seed, and counts as mutating', async () => {
    const sb = await sandbox()
    const seed = sb.dump()
    await lowerOrdersTtl(sb.url)
    expect((await fetch(`${sb.url}/_sandbox/reset`, { method: 'POST' })).status).toBe(200)
    expect(await (await fetch(`${sb.url}/_sandbox/dump`)).json()).toEqual(seed)
    expect(sb.calls().find((c) => c.operation === 'Reset')).toMatchObject({ service: 'control', mutating: true })
  })

  it('strips server-managed Kubernetes metadata and status; Jobs and the ledger only with ledger', async () => {
    const estate = referenceEstate()
    estate.kubernetes.objects.push({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'shop', uid: 'u' }, status: { succeeded: 1 } })
    estate.ledger.push({ job: 'prod-orders-hourly-report', scheduledAt: '2026-03-02T01:00:00.000Z', launchedAt: '2026-03-02T01:00:00.000Z', platform: 'ecs', source: 'arn' })
    const sb = await sandbox({ estate })
    const plain = sb.dump() as { kubernetes: { objects: Array<{ kind: string; metadata: Record<string, unknown>; status?: unknown }> }; ledger?: unknown[] }
    expect(plain.kubernetes.objects.map((o) => o.kind)).toEqual(['Namespace', 'Namespace', 'Namespace'])
    expect(plain.kubernetes.objects[0].metadata).toEqual({ name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } })
    expect(plain.kubernetes.objects[0].status).toBeUndefined()
    expect(plain.ledger).toBeUndefined()
    const full = sb.dump({ ledger: true }) as typeof plain
    expect(full.kubernetes.objects.map((o) => o.kind)).toContain('Job')
    expect(full.ledger).toHaveLength(1)
  })
})

describe('persistence', () => {
  it('save() writes state.json atomically with the virtual time; persist: true loads it back', async () => {
    const stateDir = await tempDir()
    const first = await sandbox({ stateDir, persist: true })
    await lowerOrdersTtl(first.url)
    await first.clock.sleep(3_600_000)
    await first.save()
    const savedDump = first.dump()
    const savedNow = first.clock.now()
    await first.stop()
    expect((await readdir(stateDir)).filter((f) => f.includes('.tmp'))).toEqual([])
    const state = JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8'))
    expect(state.now).toBe(new Date(savedNow).toISOString())
    const second = await sandbox({ stateDir, persist: true })
    expect(second.dump()).toEqual(savedDump)
    expect(second.clock.now()).toBe(savedNow)
    const change = await route53For(second.url).getChange({ Id: state.route53.changes[0].Id })
    expect(change.ChangeInfo?.Status).toBe('INSYNC')
  })

  it('persist: true without a state file starts from the reference estate', async () => {
    const sb = await sandbox({ persist: true })
    const fresh = await sandbox({ estate: referenceEstate() })
    expect(sb.dump()).toEqual(fresh.dump())
  })
})

describe('sandbox commands', () => {
  it('reset then dump prints the seed estate; dump without state prints it too', async () => {
    const stateDir = await tempDir()
    const seed = canonicalJson((await sandbox()).dump(), 2)
    expect(await dumpCommand({ stateDir })).toBe(seed)
    expect(await resetCommand({ stateDir })).toContain('reference estate')
    expect(await dumpCommand({ stateDir })).toBe(seed)
  })

  it('serve prints the exports, keeps state on flowing time and saves it when stopped', async () => {
    const stateDir = await tempDir()
    const served = await serveCommand({ stateDir })
    started.push(served.sandbox)
    expect(served.exports).toContain(`export AWS_ENDPOINT_URL=${served.sandbox.url}`)
    expect(served.exports).toContain(`export KUBECONFIG=${join(stateDir, 'kubeconfig')}`)
    expect(served.exports).toContain(`export PLAYBOOK_SANDBOX_URL=${served.sandbox.url}`)
    expect(served.sandbox.core.config.flow).toBe(true)
    await lowerOrdersTtl(served.sandbox.url)
    await served.stop()
    await served.done
    const dumped = JSON.parse(await dumpCommand({ stateDir }))
    const orders = dumped.route53.zones[0].RecordSets.find((r: { Name: string }) => r.Name === 'orders.example.com.')
    expect(orders.TTL).toBe(60)
  })
})
