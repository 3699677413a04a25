/**
 * Pure pieces of the sandbox's Kubernetes API: patch formats, selectors, field ownership,
 * cron helpers, and the handler's operation names and fault answers.
 */
import { describe, expect, it } from 'vitest'
import { mostRecentMissed, nextFire, scheduleProblem } from '../sandbox/kubernetes/cron.js'
import { displayPath, fromFieldsV1, leafPaths, toFieldsV1 } from '../sandbox/kubernetes/fields.js'
import { kubernetesHandler } from '../sandbox/kubernetes/handler.js'
import { applyConfig } from '../sandbox/kubernetes/managed.js'
import { jsonPatch, mergePatch, strategicMergePatch } from '../sandbox/kubernetes/patch.js'
import { parseLabelSelector } from '../sandbox/kubernetes/selectors.js'
import { KubeStatusError } from '../sandbox/kubernetes/status.js'
import { zonedRfc3339 } from '../sandbox/kubernetes/zoned-time.js'
import type { StoredObject } from '../sandbox/estate.js'
import type { SandboxRequest } from '../sandbox/types.js'

describe('patches', () => {
  it('merge patch deletes with null and replaces lists', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null }, l: [3] })).toEqual({ a: 1, b: { d: 3 }, l: [3] })
  })

  it('JSON patch: add (including -), remove, move, copy, test; a missing path is 422', () => {
    const doc = { a: [1, 2], b: { c: 'x' } }
    const out = jsonPatch(doc, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'copy', from: '/b/c', path: '/d' },
      { op: 'move', from: '/a/0', path: '/e' },
      { op: 'remove', path: '/b' },
      { op: 'test', path: '/d', value: 'x' },
      { op: 'add', path: '/f~1g', value: true },
    ])
    expect(out).toEqual({ a: [2, 3], d: 'x', e: 1, 'f/g': true })
    expect(doc).toEqual({ a: [1, 2], b: { c: 'x' } })
    expect(() => jsonPatch(doc, [{ op: 'remove', path: '/zz' }])).toThrow(KubeStatusError)
    for (const ops of [[{ op: 'replace', path: '/zz', value: 1 }], [{ op: 'replace', path: '/a/2', value: 1 }], [{ op: 'add', path: '/q/r', value: 1 }], [{ op: 'test', path: '/b/c', value: 'y' }], [{ op: 'frob', path: '/a' }]]) {
      const e = (() => { try { jsonPatch(doc, ops) } catch (err) { return err } })() as KubeStatusError
      expect([e.code, e.reason, e.message], JSON.stringify(ops)).toEqual([422, 'Invalid', 'the server rejected our request due to an error in our request'])
    }
  })

  it('strategic merge merges named lists by name, deletes with $patch: delete, replaces with $patch: replace', () => {
    const cur = { containers: [{ name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] }, { name: 'b', image: 'b:1' }], args: ['x'] }
    const out = strategicMergePatch(cur, {
      containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }] }, { name: 'b', $patch: 'delete' }, { name: 'c', image: 'c:1' }],
      args: ['y'],
    })
    expect(out).toEqual({
      containers: [{ name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] }, { name: 'c', image: 'c:1' }],
      args: ['y'],
    })
    expect(strategicMergePatch({ m: { a: 1, b: 2 } }, { m: { $patch: 'replace', c: 3 } })).toEqual({ m: { c: 3 } })
  })
})

describe('selectors', () => {
  it('matches set and equality requirements and refuses garbage with 400', () => {
    const s = parseLabelSelector('env in (prod,test), tier!=db, app, !legacy')
    expect(s({ env: 'prod', tier: 'web', app: 'x' })).toBe(true)
    expect(s({ env: 'prod', tier: 'db', app: 'x' })).toBe(false)
    expect(s({ env: 'dev', app: 'x' })).toBe(false)
    expect(s({ env: 'test', app: 'x', legacy: 'y' })).toBe(false)
    expect(() => parseLabelSelector('a b c')).toThrow(KubeStatusError)
  })
})

describe('field ownership', () => {
  const obj = (replicas: number, containers: Array<Record<string, string>>): StoredObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', namespace: 'shop', labels: { app: 'x' } },
    spec: { replicas, template: { spec: { containers } } },
  })

  it('round-trips leaf paths through fieldsV1 and prints paths like the API server', () => {
    const paths = leafPaths(obj(2, [{ name: 'app', image: 'x:1' }]), true)
    expect(fromFieldsV1(toFieldsV1(paths))).toEqual(paths)
    expect(toFieldsV1(paths)).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
    })
    expect([...paths].map(displayPath)).toContain('.spec.template.spec.containers[name="app"].image')
  })

  it('apply removes a container the manager stops applying, keeps one another manager owns', () => {
    const t = '2026-03-02T01:45:00Z'
    const first = applyConfig(null, obj(2, [{ name: 'app', image: 'x:1' }, { name: 'proxy', image: 'p:1' }]), 'a', false, t, true)
    const second = applyConfig(first, obj(2, [{ name: 'app', image: 'x:1' }]), 'a', false, t, true)
    expect((second.spec as any).template.spec.containers).toEqual([{ name: 'app', image: 'x:1' }])
    const shared = applyConfig(first, obj(2, [{ name: 'proxy', image: 'p:1' }]), 'b', false, t, true)
    const dropped = applyConfig(shared, obj(2, [{ name: 'app', image: 'x:1' }]), 'a', false, t, true)
    expect((dropped.spec as any).template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['app', 'proxy'])
  })
})

describe('cron helpers', () => {
  const at = Date.parse
  it('finds only the most recent missed time, in the schedule time zone', () => {
    expect(new Date(mostRecentMissed('0 * * * *', undefined, at('2026-03-02T01:45:00Z'), at('2026-03-02T03:30:00Z'))!).toISOString()).toBe('2026-03-02T03:00:00.000Z')
    expect(mostRecentMissed('0 * * * *', undefined, at('2026-03-02T03:00:00Z'), at('2026-03-02T03:30:00Z'))).toBeNull()
    expect(new Date(nextFire('15 3 * * *', 'Europe/Berlin', at('2026-03-02T00:00:00Z'))!).toISOString()).toBe('2026-03-02T02:15:00.000Z')
    expect(new Date(nextFire('@hourly', undefined, at('2026-03-02T00:10:00Z'))!).toISOString()).toBe('2026-03-02T01:00:00.000Z')
  })

  it('validates schedules and time zones like the API server', () => {
    expect(scheduleProblem('*/30 * * * *', 'UTC')).toBeNull()
    expect(scheduleProblem('0 * * * * *', undefined)?.detail).toMatch(/expected exactly 5 fields/)
    expect(scheduleProblem('TZ=UTC 0 * * * *', undefined)?.detail).toMatch(/use timeZone field/)
    expect(scheduleProblem('0 * * * *', 'Nowhere/City')?.field).toBe('spec.timeZone')
  })

  it('prints scheduled timestamps in the zone, as Go RFC 3339', () => {
    expect(zonedRfc3339(Date.parse('2026-03-02T02:15:00Z'), 'Europe/Berlin')).toBe('2026-03-02T03:15:00+01:00')
    expect(zonedRfc3339(Date.parse('2026-07-02T02:15:00Z'), 'America/New_York')).toBe('2026-07-01T22:15:00-04:00')
    expect(zonedRfc3339(Date.parse('2026-03-02T02:15:00Z'))).toBe('2026-03-02T02:15:00Z')
  })
})

describe('handler surface', () => {
  const req = (method: string, path: string, headers: Record<string, string> = {}): SandboxRequest => ({
    method,
    url: new URL(`http://127.0.0.1${path}`),
    headers,
    body: Buffer.alloc(0),
  })

  it('names operations and marks dryRun writes as not mutating', () => {
    const id = (r: SandboxRequest) => kubernetesHandler.identify(r)
    expect(id(req('GET', '/apis/apps/v1/namespaces/shop/deployments'))).toEqual({ name: 'list deployments', mutating: false })
    expect(id(req('PATCH', '/apis/apps/v1/namespaces/shop/deployments/x', { 'content-type': 'application/apply-patch+yaml' }))).toEqual({ name: 'apply deployments', mutating: true })
    expect(id(req('PATCH', '/apis/batch/v1/namespaces/shop/cronjobs/x/status?dryRun=All'))).toEqual({ name: 'patch cronjobs/status', mutating: false })
    expect(id(req('GET', '/api/v1/namespaces/shop'))).toEqual({ name: 'get namespaces', mutating: false })
    expect(id(req('DELETE', '/api/v1/namespaces/shop/services/x'))).toEqual({ name: 'delete services', mutating: true })
    expect(id(req('GET', '/apis'))).toEqual({ name: 'discovery', mutating: false })
    expect(kubernetesHandler.matches(req('GET', '/2013-04-01/hostedzone'))).toBe(false)
  })

  it('answers injected faults with Status bodies', () => {
    const r = kubernetesHandler.errorFor('Throttling', { name: 'get deployments', mutating: false })
    expect(r.status).toBe(429)
    expect(r.headers?.['retry-after']).toBe('1')
    expect(JSON.parse(String(r.body))).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429 })
    const c = JSON.parse(String(kubernetesHandler.errorFor('Conflict', { name: 'patch cronjobs', mutating: true }).body))
    expect(c).toMatchObject({ reason: 'Conflict', code: 409 })
    expect(JSON.parse(String(kubernetesHandler.errorFor('InternalError', { name: 'x', mutating: false }).body)).code).toBe(500)
  })
})
