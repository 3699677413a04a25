/** Gate lists as playbooks write them: what validation refuses, at which path, before anything runs. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadPlaybook } from '../runner/playbook/index.js'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

async function load(shift: string) {
  const dir = await mkdtemp(join(tmpdir(), 'gates-'))
  dirs.push(dir)
  const file = join(dir, 'p.yaml')
  await writeFile(file, `version: 1\nname: p\nsteps:\n  - id: shift\n    type: mesh.shift\n    with:\n      kind: TrafficSplit\n      namespace: shop\n      name: website\n      from: a\n      to: b\n${shift}`)
  return loadPlaybook(file, {})
}

describe('gates in a playbook', () => {
  it('accepts every kind of gate with for and every', async () => {
    const r = await load(`      gates:
        - approval: ok?
        - alarms: { prefix: prod- }
          for: 2m
          every: 10s
        - prometheus: { url: "http://prom:9090", query: up, above: 0 }
      bake: 5m
`)
    expect(r.ok).toBe(true)
  })

  it.each([
    ['      gates: [{ approval: ok? }]\n      bake: 5m\n', 'bake watches the signal gates'],
    ['      gates: [{ alarms: { names: [a], prefix: b } }]\n', 'either alarms.names or alarms.prefix'],
    ['      gates: [{ prometheus: { url: "http://p:9090", query: up } }]\n', 'prometheus.below or prometheus.above'],
  ])('refuses %j', async (yaml, message) => {
    const r = await load(yaml)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(JSON.stringify(r.problems)).toContain(message)
  })
})
