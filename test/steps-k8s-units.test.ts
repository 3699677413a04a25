import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createStepFiles } from '../runner/clients/files.js'
import type { KubeObject } from '../runner/clients/kube-types.js'
import { desiredState, k8sPatchParams } from '../steps/k8s-patch.js'
import { planHandover, scheduledBetween } from '../steps/kube/handover.js'
import { normalizeManifest, parseObjects } from '../steps/kube/manifests.js'
import { extraPaths, itemKey, project, refOfKey } from '../steps/kube/objects.js'
import { patchTo, valuesAt } from '../steps/kube/pointer.js'
import { rolloutStatus } from '../steps/kube/rollout.js'
import { durationMs } from '../steps/kube/wait.js'

const t = (iso: string) => Date.parse(iso)
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
const hourly = { schedule: '0 * * * *', creationTimestamp: t('2026-03-02T01:45:00Z') }

describe('cron handover decision', () => {
  it('catches up the last gap time with a deadline covering its age plus the grace', () => {
    const h = planHandover(hourly, t('2026-03-02T02:30:00Z'), 'gap', t('2026-03-02T03:10:00Z'), 120)
    expect(h.gap.map(iso)).toEqual(['2026-03-02T03:00:00.000Z'])
    expect(iso(h.catchUp)).toBe('2026-03-02T03:00:00.000Z')
    expect(h.markLastScheduleTime).toBeNull()
    expect(h.deadlineSeconds).toBe(600 + 120)
  })

  it('of several gap times catches up only the newest and reports the others skipped', () => {
    const h = planHandover(hourly, t('2026-03-02T02:30:00Z'), 'gap', t('2026-03-02T05:10:00Z'), 120)
    expect(h.gap.map(iso)).toEqual(['2026-03-02T03:00:00.000Z', '2026-03-02T04:00:00.000Z', '2026-03-02T05:00:00.000Z'])
    expect(iso(h.catchUp)).toBe('2026-03-02T05:00:00.000Z')
    expect(h.skipped.map(iso)).toEqual(['2026-03-02T03:00:00.000Z', '2026-03-02T04:00:00.000Z'])
  })

  it('with catchUp none marks the newest time done and keeps the controller off it', () => {
    const h = planHandover(hourly, t('2026-03-02T02:30:00Z'), 'none', t('2026-03-02T03:10:00Z'), 120)
    expect(h.catchUp).toBeNull()
    expect(iso(h.markLastScheduleTime)).toBe('2026-03-02T03:00:00.000Z')
    expect(h.deadlineSeconds).toBe(599)
    expect(h.reason).toBe('catchUp is none')
  })

  it('with an empty gap marks the time ECS ran, so restoring an absent deadline cannot start it', () => {
    const daily = { schedule: '0 2 * * *', creationTimestamp: t('2026-03-02T01:45:00Z') }
    const h = planHandover(daily, t('2026-03-02T02:30:00Z'), 'gap', t('2026-03-02T03:10:00Z'), 120)
    expect(h.gap).toEqual([])
    expect(iso(h.markLastScheduleTime)).toBe('2026-03-02T02:00:00.000Z')
    expect(h.catchUp).toBeNull()
  })

  it('needs no mark when the CronJob was created after the last scheduled time', () => {
    const h = planHandover({ ...hourly, creationTimestamp: t('2026-03-02T03:05:00Z') }, t('2026-03-02T03:01:00Z'), 'none', t('2026-03-02T03:10:00Z'), 120)
    expect(h.markLastScheduleTime).toBeNull()
  })

  it('marks the disable time when the CronJob was created inside the gap, so the controller sees the time to catch up', () => {
    const h = planHandover({ ...hourly, creationTimestamp: t('2026-03-02T03:05:00Z') }, t('2026-03-02T02:30:00.250Z'), 'gap', t('2026-03-02T03:10:00Z'), 120)
    expect(iso(h.catchUp)).toBe('2026-03-02T03:00:00.000Z')
    expect(iso(h.markLastScheduleTime)).toBe('2026-03-02T02:30:00.000Z')
  })

  it('does not catch up what Kubernetes already ran', () => {
    const h = planHandover({ ...hourly, lastScheduleTime: t('2026-03-02T03:00:00Z') }, t('2026-03-02T02:30:00Z'), 'gap', t('2026-03-02T03:10:00Z'), 120)
    expect(h.catchUp).toBeNull()
    expect(h.reason).toBe('Kubernetes already ran it')
  })

  it('without a known disable time catches up nothing', () => {
    const h = planHandover(hourly, null, 'gap', t('2026-03-02T03:10:00Z'), 120)
    expect(h.catchUp).toBeNull()
    expect(h.reason).toBe('no ECS disable time is known')
    expect(iso(h.markLastScheduleTime)).toBe('2026-03-02T03:00:00.000Z')
  })

  it('reads the schedule in its time zone (Berlin 02:00 is 01:00Z in winter)', () => {
    const { times } = scheduledBetween({ schedule: '0 2 * * *', timeZone: 'Europe/Berlin' }, t('2026-03-01T12:00:00Z'), t('2026-03-03T12:00:00Z'))
    expect(times.map(iso)).toEqual(['2026-03-02T01:00:00.000Z', '2026-03-03T01:00:00.000Z'])
  })
})

describe('path values of k8s.patch', () => {
  const obj = { metadata: { name: 'website' }, spec: { backends: [{ service: 'a', weight: 100 }, { service: 'b', weight: 0 }] } }

  it('records an absent path at its outermost absent parent', () => {
    expect(valuesAt(obj, ['/metadata/annotations/x', '/spec/backends/1/weight'])).toEqual({ '/metadata/annotations': null, '/spec/backends/1/weight': 0 })
  })

  it('writes values with missing parents created, and prunes them again only when empty', () => {
    const add = patchTo(obj, ['/metadata/annotations/x'], { '/metadata/annotations/x': 'y' })
    expect(add).toEqual([{ op: 'add', path: '/metadata/annotations', value: { x: 'y' } }])
    const withOther = { ...obj, metadata: { name: 'website', annotations: { x: 'y', other: '1' } } }
    expect(patchTo(withOther, ['/metadata/annotations/x'], { '/metadata/annotations': null }, ['/metadata/annotations'])).toEqual([
      { op: 'remove', path: '/metadata/annotations/x' },
    ])
    const alone = { ...obj, metadata: { name: 'website', annotations: { x: 'y' } } }
    expect(patchTo(alone, ['/metadata/annotations/x'], { '/metadata/annotations': null }, ['/metadata/annotations'])).toEqual([
      { op: 'remove', path: '/metadata/annotations/x' },
      { op: 'remove', path: '/metadata/annotations' },
    ])
  })

  it('predicts the state a removal leaves, in the shape observe reads', () => {
    const p = k8sPatchParams.parse({ ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'c' }, json: [{ op: 'remove', path: '/metadata/annotations/x' }] })
    expect(desiredState(p, { '/metadata/annotations': null })).toEqual({ '/metadata/annotations': null })
    expect(desiredState(p, { '/metadata/annotations/x': 'y' })).toEqual({ '/metadata/annotations/x': null })
  })
})

describe('objects, manifests, rollouts', () => {
  it('projects the live object onto the manifest, ignoring server fields and defaults', () => {
    const manifest = { metadata: { name: 'o', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }
    const live = { metadata: { name: 'o', labels: { a: '1' }, uid: 'u', resourceVersion: '9' }, spec: { containers: [{ name: 'c', image: 'i', imagePullPolicy: 'IfNotPresent' }] }, status: {} }
    expect(project(live, manifest)).toEqual(manifest)
    expect(project({ ...live, spec: { containers: [] } }, manifest)).toEqual({ ...manifest, spec: { containers: [] } })
    expect(extraPaths(manifest, { metadata: { name: 'o' }, spec: manifest.spec })).toEqual(['/metadata/labels'])
  })

  it('round-trips item keys, apiVersions with a group included', () => {
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'orders' }
    expect(itemKey(ref)).toBe('k8s:apps/v1/Deployment/shop/orders')
    expect(refOfKey(itemKey(ref))).toEqual(ref)
    expect(refOfKey('k8s:v1/Namespace/_/shop')).toEqual({ apiVersion: 'v1', kind: 'Namespace', name: 'shop' })
  })

  it('parses multi-document YAML and Lists, defaults namespaces and suspends CronJobs', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Namespace, metadata: {name: shop}}\n---\n# only a comment\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: r}\nspec: {schedule: "0 * * * *", suspend: false, startingDeadlineSeconds: null}\nstatus: {lastScheduleTime: "2026-03-02T01:00:00Z"}\n`
    const objs = parseObjects('x.yaml', text).map((o) => normalizeManifest(o, 'shop'))
    expect(objs).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'r', namespace: 'shop' }, spec: { schedule: '0 * * * *', suspend: true } },
    ])
    expect(() => parseObjects('bad.yaml', 'kind: Service\n')).toThrow(/k8s.apply \(observe\): cannot read manifests from bad.yaml/)
  })

  it('follows kubectl rollout status for Deployments and StatefulSets', () => {
    const d = (status: Record<string, unknown>, generation = 2): KubeObject =>
      ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', generation }, spec: { replicas: 2 }, status }) as KubeObject
    expect(rolloutStatus(d({ observedGeneration: 1 })).state).toBe('waiting')
    expect(rolloutStatus(d({ observedGeneration: 2, replicas: 3, updatedReplicas: 2, availableReplicas: 2 }))).toMatchObject({ message: '1 old replicas are pending termination' })
    expect(rolloutStatus(d({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 1 })).state).toBe('waiting')
    expect(rolloutStatus(d({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 })).state).toBe('done')
    const stuck = d({ observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'RS "d-1" has timed out progressing.' }] })
    expect(rolloutStatus(stuck)).toEqual({ state: 'failed', message: 'exceeded its progress deadline: RS "d-1" has timed out progressing.' })
    const sts = (status: Record<string, unknown>): KubeObject =>
      ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's', generation: 1 }, spec: { replicas: 2 }, status }) as KubeObject
    expect(rolloutStatus(sts({ observedGeneration: 1, readyReplicas: 2, currentRevision: 'a', updateRevision: 'b' })).state).toBe('waiting')
    expect(rolloutStatus(sts({ observedGeneration: 1, readyReplicas: 2, currentRevision: 'b', updateRevision: 'b' })).state).toBe('done')
  })

  it('reads durations', () => {
    expect([durationMs(90), durationMs('90s'), durationMs('5m'), durationMs('1h'), durationMs('250ms')]).toEqual([90_000, 90_000, 300_000, 3_600_000, 250])
  })
})

describe('step files', () => {
  it('lists a directory sorted, reads files, and renders with arguments escaped (no shell)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchover-files-'))
    await writeFile(join(dir, 'b.yaml'), 'b')
    await writeFile(join(dir, 'a.yaml'), 'a')
    const files = createStepFiles(dir)
    expect(await files.list('.')).toEqual(['a.yaml', 'b.yaml'])
    expect(await files.list('a.yaml')).toEqual(['a.yaml'])
    expect(await files.readText('b.yaml')).toBe('b')
    expect(await files.render('printf', ['%s', 'x; echo injected $(id)'])).toBe('x; echo injected $(id)')
    await expect(files.render('sh', ['-c', 'echo broken >&2; exit 3'])).rejects.toThrow(/exit code 3: broken/)
  })
})
