/** CloudWatch alarms (JSON 1.0 through the real SDK, the query protocol through the AWS CLI) and the Prometheus query API of the sandbox. */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CloudWatch } from '@aws-sdk/client-cloudwatch'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'

const run = promisify(execFile)
let sb: RunningSandbox
let cw: CloudWatch

beforeEach(async () => {
  sb = await startSandbox()
  cw = new CloudWatch({ endpoint: sb.url, region: 'us-east-1', credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' }, maxAttempts: 1 })
})
afterEach(() => sb.stop())

const hasAwsCli = await run('aws', ['--version']).then(() => true, () => false)

describe('CloudWatch alarms', () => {
  it('DescribeAlarms through the SDK: the reference alarms in OK, by name and by prefix, paged', async () => {
    const all = await cw.describeAlarms({})
    expect(all.MetricAlarms!.map((a) => [a.AlarmName, a.StateValue])).toEqual([['prod-website-5xx', 'OK'], ['test-website-5xx', 'OK']])
    expect(all.MetricAlarms![0].StateUpdatedTimestamp).toEqual(new Date('2026-03-02T01:55:00.000Z'))
    expect((await cw.describeAlarms({ AlarmNames: ['test-website-5xx'] })).MetricAlarms!.map((a) => a.AlarmName)).toEqual(['test-website-5xx'])
    expect((await cw.describeAlarms({ AlarmNamePrefix: 'prod-' })).MetricAlarms!.map((a) => a.AlarmName)).toEqual(['prod-website-5xx'])
    const first = await cw.describeAlarms({ MaxRecords: 1 })
    expect(first.MetricAlarms!.map((a) => a.AlarmName)).toEqual(['prod-website-5xx'])
    const second = await cw.describeAlarms({ MaxRecords: 1, NextToken: first.NextToken })
    expect(second.MetricAlarms!.map((a) => a.AlarmName)).toEqual(['test-website-5xx'])
    expect(second.NextToken).toBeUndefined()
  })

  it('SetAlarmState through the SDK moves the state and its timestamp; an unknown alarm is ResourceNotFound', async () => {
    await sb.core.time.advance(60_000)
    await cw.setAlarmState({ AlarmName: 'test-website-5xx', StateValue: 'ALARM', StateReason: 'rehearsal' })
    const [a] = (await cw.describeAlarms({ AlarmNames: ['test-website-5xx'] })).MetricAlarms!
    expect([a.StateValue, a.StateReason, a.StateUpdatedTimestamp?.toISOString()]).toEqual(['ALARM', 'rehearsal', '2026-03-02T01:56:00.000Z'])
    await expect(cw.setAlarmState({ AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' })).rejects.toMatchObject({ name: 'ResourceNotFound' })
    await expect(cw.describeAlarms({ AlarmNames: ['a'], AlarmNamePrefix: 'b' })).rejects.toMatchObject({ name: 'InvalidParameterCombinationException', Code: 'InvalidParameterCombination' })
    expect(sb.calls().filter((c) => c.service === 'cloudwatch').map((c) => [c.operation, c.mutating])).toContainEqual(['SetAlarmState', true])
  })

  it.skipIf(!hasAwsCli)('aws cloudwatch set-alarm-state and describe-alarms speak the query protocol', async () => {
    const env = { ...process.env, ...sb.env, AWS_PROFILE: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' }
    delete (env as Record<string, string | undefined>).AWS_PROFILE
    await run('aws', ['cloudwatch', 'set-alarm-state', '--endpoint-url', sb.url, '--alarm-name', 'prod-website-5xx', '--state-value', 'ALARM', '--state-reason', 'flipped by hand'], { env })
    const { stdout } = await run('aws', ['cloudwatch', 'describe-alarms', '--endpoint-url', sb.url, '--alarm-name-prefix', 'prod-', '--output', 'json'], { env })
    const out = JSON.parse(stdout) as { MetricAlarms: Array<{ AlarmName: string; StateValue: string; StateReason: string }> }
    expect(out.MetricAlarms.map((a) => [a.AlarmName, a.StateValue, a.StateReason])).toEqual([['prod-website-5xx', 'ALARM', 'flipped by hand']])
    const [a] = (await cw.describeAlarms({ AlarmNames: ['prod-website-5xx'] })).MetricAlarms!
    expect(a.StateValue).toBe('ALARM')
  })
})

describe('Prometheus /api/v1/query', () => {
  const query = 'sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))'
  const set = (value: number | null) => fetch(`${sb.url}/_sandbox/prometheus`, { method: 'POST', body: JSON.stringify({ query, value }) })

  it('answers the value set through the control API, in the HTTP API shape, on GET and POST', async () => {
    const empty = await (await fetch(`${sb.url}/api/v1/query?query=${encodeURIComponent(query)}`)).json()
    expect(empty).toEqual({ status: 'success', data: { resultType: 'vector', result: [] } })
    expect((await set(0.004)).status).toBe(200)
    const got = await (await fetch(`${sb.url}/api/v1/query?query=${encodeURIComponent(query)}`)).json()
    expect(got).toEqual({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [Date.parse('2026-03-02T01:55:00.000Z') / 1000, '0.004'] }] } })
    const posted = await (await fetch(`${sb.url}/api/v1/query`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ query, time: '1700000000' }) })).json()
    expect(posted.data.result[0].value).toEqual([1700000000, '0.004'])
    const bad = await fetch(`${sb.url}/api/v1/query`)
    expect([bad.status, (await bad.json()).errorType]).toEqual([400, 'bad_data'])
    await set(null)
    expect((await (await fetch(`${sb.url}/api/v1/query?query=${encodeURIComponent(query)}`)).json()).data.result).toEqual([])
  })
})

describe('mesh kinds', () => {
  const api = (path: string, init?: RequestInit) => fetch(`${sb.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) } })
  it('serves one TrafficSplit at v1alpha1 to v1alpha4 and HTTPRoute at gateway.networking.k8s.io/v1', async () => {
    const split = { apiVersion: 'split.smi-spec.io/v1alpha4', kind: 'TrafficSplit', metadata: { name: 'website', namespace: 'shop' }, spec: { service: 'website', backends: [{ service: 'website-ecs', weight: 100 }, { service: 'website-eks', weight: 0 }] } }
    expect((await api('/apis/split.smi-spec.io/v1alpha4/namespaces/shop/trafficsplits', { method: 'POST', body: JSON.stringify(split) })).status).toBe(201)
    for (const v of ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4']) {
      const got = await (await api(`/apis/split.smi-spec.io/${v}/namespaces/shop/trafficsplits/website`)).json()
      expect([got.apiVersion, got.spec.backends[1].weight]).toEqual([`split.smi-spec.io/${v}`, 0])
    }
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'website', namespace: 'shop' }, spec: { parentRefs: [{ name: 'mesh' }], rules: [{ backendRefs: [{ name: 'website-ecs', port: 80, weight: 100 }] }] } }
    expect((await api('/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes', { method: 'POST', body: JSON.stringify(route) })).status).toBe(201)
    const patched = await api('/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/website', { method: 'PATCH', headers: { 'content-type': 'application/json-patch+json' }, body: JSON.stringify([{ op: 'replace', path: '/spec/rules/0/backendRefs/0/weight', value: 0 }]) })
    expect((await patched.json()).spec.rules[0].backendRefs[0].weight).toBe(0)
    const smp = await api('/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/website', { method: 'PATCH', headers: { 'content-type': 'application/strategic-merge-patch+json' }, body: '{}' })
    expect(smp.status).toBe(415)
    const groups = (await (await api('/apis')).json()).groups.map((g: { name: string }) => g.name)
    expect(groups).toEqual(expect.arrayContaining(['split.smi-spec.io', 'gateway.networking.k8s.io']))
  })
})

describe('sandbox prom set', () => {
  it('writes the value into the saved state without a running sandbox, and through the control API with one', async () => {
    const { promSetCommand } = await import('../sandbox/commands.js')
    const { loadOrSeed } = await import('../sandbox/persist.js')
    const { mkdtemp, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = await mkdtemp(join(tmpdir(), 'prom-set-'))
    try {
      await promSetCommand({ stateDir: dir, query: ' up ', value: 1 })
      expect((await loadOrSeed(dir)).prometheus?.values).toEqual({ up: 1 })
      await promSetCommand({ stateDir: dir, query: 'up', value: 0.5, url: sb.url })
      expect((await (await fetch(`${sb.url}/api/v1/query?query=up`)).json()).data.result[0].value[1]).toBe('0.5')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
