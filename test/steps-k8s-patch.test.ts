import { afterEach, describe, expect, it } from 'vitest'
import { k8sApply } from '../steps/k8s-apply.js'
import { k8sPatch, PatchCannotApply } from '../steps/k8s-patch.js'
import { planStep, restoreStep, runStep } from './helpers/step-harness.js'
import { SHOP, startK8sWorld, userView, type K8sWorld } from './helpers/k8s-sandbox.js'

let w: K8sWorld | undefined
afterEach(async () => {
  await w?.sb.stop()
  w = undefined
})

const ref = { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', namespace: 'shop', name: 'website' }
const weights = async (world: K8sWorld) =>
  ((await world.kube.get(ref))!.spec as { backends: Array<{ service: string; weight: number }> }).backends.map((b) => `${b.service}=${b.weight}`)

const toEks = {
  merge: { spec: { backends: [{ service: 'website-ecs', weight: 0 }, { service: 'website-eks', weight: 100 }] } },
  json: [
    { op: 'replace', path: '/spec/backends/0/weight', value: 0 },
    { op: 'replace', path: '/spec/backends/1/weight', value: 100 },
  ],
}

describe('k8s.patch against the sandbox', () => {
  for (const form of ['merge', 'json'] as const) {
    it(`round-trips a TrafficSplit weight change (${form} patch): 0/100 -> 100/0 -> restore -> 0/100`, async () => {
      w = await startK8sWorld()
      await runStep(w.h(), k8sApply, { path: SHOP, namespace: 'shop', wait: false })
      const original = userView(await w.kube.get(ref))
      expect(await weights(w)).toEqual(['website-ecs=100', 'website-eks=0'])
      const params = { ref, [form]: toEks[form] }

      const from = w.sb.calls().length
      const plan = await planStep(w.h([], await w.readOnly()), k8sPatch, params)
      expect(plan.changes).toHaveLength(1)
      expect(w.mutatingSince(from)).toEqual([])

      const h = w.h()
      const run = await runStep(h, k8sPatch, params)
      expect(run.error).toBeUndefined()
      expect(await weights(w)).toEqual(['website-ecs=0', 'website-eks=100'])
      expect(await k8sPatch.observe(h.ctx, run.params)).toEqual({ [run.changes[0].key]: run.changes[0].after })

      const again = w.sb.calls().length
      expect((await runStep(w.h(), k8sPatch, params)).changes).toEqual([])
      expect(w.mutatingSince(again)).toEqual([])

      await restoreStep(w.h(), k8sPatch, run.params, { [run.changes[0].key]: run.changes[0].before })
      expect(await weights(w)).toEqual(['website-ecs=100', 'website-eks=0'])
      expect(userView(await w.kube.get(ref))).toEqual(original)
    })
  }

  it('journals absent paths as absent: an added annotation is removed on restore, parents included', async () => {
    w = await startK8sWorld()
    await runStep(w.h(), k8sApply, { path: SHOP, namespace: 'shop', wait: false })
    const original = userView(await w.kube.get(ref))
    const params = { ref, merge: { metadata: { annotations: { 'switchover.dev/stage': 'eks' } } } }
    const run = await runStep(w.h(), k8sPatch, params)
    expect(run.changes[0].before).toEqual({ '/metadata/annotations': null })
    expect(run.changes[0].after).toEqual({ '/metadata/annotations/switchover.dev~1stage': 'eks' })
    expect((await w.kube.get(ref))!.metadata.annotations).toEqual({ 'switchover.dev/stage': 'eks' })
    await restoreStep(w.h(), k8sPatch, run.params, { [run.changes[0].key]: run.changes[0].before })
    expect(userView(await w.kube.get(ref))).toEqual(original)
  })

  it('refuses at plan time a JSON patch whose path does not exist, saying what is there; nothing is written', async () => {
    w = await startK8sWorld()
    await runStep(w.h(), k8sApply, { path: SHOP, namespace: 'shop', wait: false })
    const original = userView(await w.kube.get(ref))
    const typo = { ref, json: [{ op: 'replace', path: '/spec/backend/1/weight', value: 100 }] }
    const from = w.sb.calls().length
    const planned = await planStep(w.h([], await w.readOnly()), k8sPatch, typo).catch((e) => e)
    expect(planned).toBeInstanceOf(PatchCannotApply)
    expect((planned as PatchCannotApply).phase).toBe('observe')
    expect((planned as Error).message).toContain('json[0] replace /spec/backend/1/weight: /spec/backend: not found; /spec has backends, service')
    const run = await runStep(w.h(), k8sPatch, typo).catch((e) => e)
    expect(run).toBeInstanceOf(PatchCannotApply)
    // An annotation under annotations that do not exist: add needs the parent (RFC 6902).
    const orphan = await runStep(w.h(), k8sPatch, { ref, json: [{ op: 'add', path: '/metadata/annotations/switchover.dev~1stage', value: 'eks' }] }).catch((e) => e)
    expect((orphan as Error).message).toContain('/metadata/annotations: not found; /metadata has')
    const shifted = await runStep(w.h(), k8sPatch, { ref, json: [{ op: 'add', path: '/spec/backends/0', value: { service: 'website-canary', weight: 0 } }] }).catch((e) => e)
    expect((shifted as Error).message).toContain('inserting into a list shifts the items after it')
    expect(w.mutatingSince(from)).toEqual([])
    expect(userView(await w.kube.get(ref))).toEqual(original)
  })

  it('supports test: a passing test guards the write, a failing one refuses it at plan time; rerun idle, restore exact', async () => {
    w = await startK8sWorld()
    await runStep(w.h(), k8sApply, { path: SHOP, namespace: 'shop', wait: false })
    const original = userView(await w.kube.get(ref))
    const guarded = (service: string) => ({ ref, json: [{ op: 'test', path: '/spec/backends/1/service', value: service }, ...toEks.json] })
    const from = w.sb.calls().length
    const refused = await planStep(w.h([], await w.readOnly()), k8sPatch, guarded('website-canary')).catch((e) => e)
    expect(refused).toBeInstanceOf(PatchCannotApply)
    expect((refused as Error).message).toContain('json[0] test /spec/backends/1/service: test failed: expected "website-canary", found "website-eks"')
    expect(w.mutatingSince(from)).toEqual([])

    const run = await runStep(w.h(), k8sPatch, guarded('website-eks'))
    expect(run.error).toBeUndefined()
    expect(Object.keys(run.changes[0].after as object)).toEqual(['/spec/backends/0/weight', '/spec/backends/1/weight'])
    expect(await weights(w)).toEqual(['website-ecs=0', 'website-eks=100'])
    const again = w.sb.calls().length
    expect((await runStep(w.h(), k8sPatch, guarded('website-eks'))).changes).toEqual([])
    expect(w.mutatingSince(again)).toEqual([])
    await restoreStep(w.h(), k8sPatch, run.params, { [run.changes[0].key]: run.changes[0].before })
    expect(userView(await w.kube.get(ref))).toEqual(original)
  })

  it('adds a member where the parent exists and appends at the end of a list; the restore removes both (absent stays absent)', async () => {
    w = await startK8sWorld()
    await runStep(w.h(), k8sApply, { path: SHOP, namespace: 'shop', wait: false })
    const original = userView(await w.kube.get(ref))
    const params = {
      ref,
      json: [
        { op: 'add', path: '/metadata/labels/switchover.dev~1stage', value: 'eks' },
        { op: 'add', path: '/spec/backends/2', value: { service: 'website-canary', weight: 0 } },
      ],
    }
    const run = await runStep(w.h(), k8sPatch, params)
    expect(run.error).toBeUndefined()
    expect(run.changes[0].before).toEqual({ '/metadata/labels/switchover.dev~1stage': null, '/spec/backends/2': null })
    expect(await weights(w)).toEqual(['website-ecs=100', 'website-eks=0', 'website-canary=0'])
    const again = w.sb.calls().length
    expect((await runStep(w.h(), k8sPatch, params)).changes).toEqual([])
    expect(w.mutatingSince(again)).toEqual([])
    await restoreStep(w.h(), k8sPatch, run.params, { [run.changes[0].key]: run.changes[0].before })
    expect(userView(await w.kube.get(ref))).toEqual(original)
  })

  it('refuses to patch an object that does not exist, saying how to get past it', async () => {
    w = await startK8sWorld()
    const run = await runStep(w.h(), k8sPatch, { ref, merge: { spec: { service: 'x' } } })
    expect((run.error as Error).message).toMatch(/k8s.patch \(apply\): TrafficSplit shop\/website does not exist\. Create it first/)
  })
})
