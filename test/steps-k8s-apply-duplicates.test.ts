/**
 * k8s.apply refuses manifests that hold the same object twice (same API group, kind, namespace
 * and name, within one file or across the files of its list): at plan time, naming both places,
 * before any call to the cluster.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { k8sApply } from '../steps/k8s-apply.js'
import { planStep, runStep } from './helpers/step-harness.js'
import { startK8sWorld, type K8sWorld } from './helpers/k8s-sandbox.js'

let w: K8sWorld | undefined
let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k8s-apply-dup-'))
})
afterEach(async () => {
  await w?.sb.stop()
  w = undefined
  await rm(dir, { recursive: true, force: true })
})

const config = (name: string, ns: string | undefined, value: string, apiVersion = 'v1') =>
  `apiVersion: ${apiVersion}\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}data: { key: "${value}" }\n`
const deployment = (apiVersion: string) =>
  `apiVersion: ${apiVersion}\nkind: Deployment\nmetadata: { name: orders }\nspec:\n  selector: { matchLabels: { app: orders } }\n  template:\n    metadata: { labels: { app: orders } }\n    spec: { containers: [{ name: orders, image: "orders:1" }] }\n`

describe('k8s.apply with the same object twice', () => {
  it('across two files of its list (namespace defaulted in one, written in the other): refused at plan time, both places named', async () => {
    w = await startK8sWorld()
    await writeFile(join(dir, 'a.yaml'), `${config('other', undefined, '0')}---\n${config('settings', undefined, '1')}`)
    await writeFile(join(dir, 'b.yaml'), config('settings', 'shop', '2'))
    const from = w.sb.calls().length
    const planned = planStep(w.h([], await w.readOnly()), k8sApply, { path: [join(dir, 'a.yaml'), join(dir, 'b.yaml')], namespace: 'shop' })
    await expect(planned).rejects.toThrow(/ConfigMap shop\/settings .*twice/)
    await expect(planned).rejects.toThrow(`${join(dir, 'a.yaml')} document 2`)
    await expect(planned).rejects.toThrow(`${join(dir, 'b.yaml')} document 1`)
    // Refused while reading the manifests: no dry run, no write, not even a read of the cluster.
    expect(w.sb.calls().slice(from)).toEqual([])
  })

  it('within one file, under two versions of the same API group: a run writes nothing', async () => {
    w = await startK8sWorld()
    await writeFile(join(dir, 'd.yaml'), `${deployment('apps/v1')}---\n${deployment('apps/v1beta2')}`)
    const from = w.sb.calls().length
    const run = runStep(w.h(), k8sApply, { path: join(dir, 'd.yaml'), namespace: 'shop', wait: false })
    await expect(run).rejects.toThrow(/Deployment shop\/orders .*twice.*d\.yaml document 1.*d\.yaml document 2/)
    expect(w.mutatingSince(from)).toEqual([])
  })

  it('the same name in two namespaces, or under two kinds, is two objects', async () => {
    w = await startK8sWorld()
    await writeFile(join(dir, 'ok.yaml'), `${config('settings', 'shop', '1')}---\n${config('settings', 'default', '1')}`)
    const plan = await planStep(w.h([], await w.readOnly()), k8sApply, { path: join(dir, 'ok.yaml'), namespace: 'shop' })
    expect(plan.changes.map((c) => c.summary).sort()).toEqual(['create ConfigMap default/settings', 'create ConfigMap shop/settings'])
  })
})
