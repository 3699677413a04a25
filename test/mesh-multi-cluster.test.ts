/**
 * mesh.shift across two clusters of one playbook (the targets of the playbook: `legacy` and `eks`,
 * each a Kubernetes API of the sandbox with the shop's TrafficSplit and its backend Services seeded;
 * in eks, website-eks is the website's own pods, deployed first): each stage moves the split of
 * both clusters, the two are two items (`@legacy/...`, `@eks/...`), and the rollback puts both
 * back, leaving the estate as it was seeded.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { entriesOf, openWorld, rollbackLast, ROOT, runReference, type World } from './helpers/reference-run.js'

let w: World | undefined
let dir: string | undefined
afterEach(async () => {
  await w?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
  w = dir = undefined
})


const playbook = `version: 1
name: mesh-two-clusters
clusters:
  legacy: { context: legacy }
  eks: { context: eks }
defaults: { onFailure: rollback }
steps:
  - id: website-eks
    type: k8s.apply
    cluster: eks
    with: { path: website.yaml, namespace: shop, wait: { timeout: 5m, interval: 5s } }
  - id: shift
    type: mesh.shift
    with:
      kind: TrafficSplit
      apiVersion: split.smi-spec.io/v1alpha2
      namespace: shop
      name: website
      from: website-ecs
      to: website-eks
      stages: [50, 100]
      clusters: [legacy, eks]
`

const weightsIn = (world: World, cluster: string) => {
  const split = world.sb.core.estate.clusters![cluster].objects.find((o) => o.kind === 'TrafficSplit' && o.metadata.name === 'website')!
  return Object.fromEntries((split.spec as { backends: Array<{ service: string; weight: number }> }).backends.map((b) => [b.service, b.weight]))
}

describe('mesh.shift in two clusters', () => {
  it('moves both clusters stage by stage as two items, and the rollback puts both back', async () => {
    w = await openWorld()
    dir = await mkdtemp(join(tmpdir(), 'mesh-two-'))
    await copyFile(join(ROOT, 'fixtures/manifests/shop/website.yaml'), join(dir, 'website.yaml'))
    await writeFile(join(dir, 'mesh.yaml'), playbook)
    const seed = w.sb.dump()
    expect(weightsIn(w, 'legacy')).toEqual({ 'website-ecs': 100, 'website-eks': 0 })

    const r = await runReference(w, null, { file: join(dir, 'mesh.yaml') })
    expect(r.status).toBe('done')
    expect(weightsIn(w, 'legacy')).toEqual({ 'website-ecs': 0, 'website-eks': 100 })
    expect(weightsIn(w, 'eks')).toEqual({ 'website-ecs': 0, 'website-eks': 100 })
    const entries = await entriesOf(w, r.runId)
    const keys = [...new Set(entries.flatMap((e) => (e.t === 'item' && e.step === 'shift' ? [e.key] : [])))].sort()
    expect(keys).toEqual([
      '@eks/k8s:split.smi-spec.io/v1alpha2/TrafficSplit/shop/website',
      '@legacy/k8s:split.smi-spec.io/v1alpha2/TrafficSplit/shop/website',
    ])
    // Each stage is journaled for both clusters before either is written.
    const order = entries.filter((e) => e.t === 'stage' || e.t === 'applied').filter((e) => e.step === 'shift').map((e) => (e.t === 'stage' ? `stage ${e.key.slice(1, e.key.indexOf('/'))}` : 'applied'))
    expect(order.slice(0, 2).sort()).toEqual(['stage eks', 'stage legacy'])
    expect(order.indexOf('applied')).toBeGreaterThanOrEqual(2)

    const back = await rollbackLast(w, 'last', false, undefined, join(dir, 'mesh.yaml'))
    expect(w.events.filter((e) => e.kind === 'rollback-failed')).toEqual([])
    expect(back.exitCode).toBe(0)
    expect(weightsIn(w, 'legacy')).toEqual({ 'website-ecs': 100, 'website-eks': 0 })
    expect(weightsIn(w, 'eks')).toEqual({ 'website-ecs': 100, 'website-eks': 0 })
    expect(w.sb.dump()).toEqual(seed)
  }, 240_000)
})
