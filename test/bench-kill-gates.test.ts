/**
 * The kill-point harness's gate pieces: the playbook it kills (weighted and mesh gates become an
 * HTTP gate on its server, relative paths still resolve), the stage it reads from a dump (records,
 * or a mesh object in its cluster), the server holding
 * the n-th check, and the check that every stage but the last passed its gate.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ungatedStages } from '../bench/kill/checks.js'
import { gatedPlaybook } from '../bench/kill/gated-playbook.js'
import { stageOf, startGateServer, type GateServer } from '../bench/kill/gate-server.js'
import { loadPlaybook } from '../runner/playbook/index.js'
import { REFERENCE, ROOT } from './helpers/reference-run.js'

const dirs: string[] = []
let server: GateServer | undefined
afterEach(async () => {
  await server?.stop()
  server = undefined
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

const website = { kind: 'route53' as const, step: 'shift-website', record: 'www', from: 'ecs', to: 'eks', stages: [10, 50, 100] }
const mesh = { kind: 'mesh' as const, step: 'shift-mesh', record: 'website', cluster: 'legacy', from: 'website-ecs', to: 'website-eks', stages: [50, 100] }
const splitAt = (eks: number) => ({ clusters: { legacy: { objects: [
  { kind: 'TrafficSplit', metadata: { name: 'website', namespace: 'shop' }, spec: { backends: [{ service: 'website-ecs', weight: 100 - eks }, { service: 'website-eks', weight: eks }] } },
] } } })
const dumpAt = (eks: number) => ({ route53: { zones: [{ RecordSets: [
  { Name: 'www.example.com.', SetIdentifier: 'ecs', Weight: 100 - eks },
  { Name: 'www.example.com.', SetIdentifier: 'eks', Weight: eks },
] }] } })

describe('kill-point harness gates', () => {
  it('rewrites the weighted gate of the reference to an HTTP gate on a var, and the copy still loads (manifests included)', async () => {
    const work = await mkdtemp(join(tmpdir(), 'kill-gates-'))
    dirs.push(work)
    const gated = await gatedPlaybook(REFERENCE, work)
    expect(gated.weighted).toEqual([website])
    const r = await loadPlaybook(gated.file, { env: 'prod', vars: { killGateUrl: 'http://127.0.0.1:1/gate/0' } })
    if (!r.ok) throw new Error(JSON.stringify(r.problems))
    const step = r.playbook.steps.find((s) => s.id === 'shift-website')!
    expect((step.params as { weighted: { gate: unknown } }).weighted.gate).toEqual({ http: { url: 'http://127.0.0.1:1/gate/0', expectStatus: 200, times: 1, intervalSeconds: 0 } })
  })

  it('rewrites the gates of the multi-cluster mesh shift to the HTTP gate, checked at the start, middle and end of its bake', async () => {
    const work = await mkdtemp(join(tmpdir(), 'kill-gates-'))
    dirs.push(work)
    const gated = await gatedPlaybook(join(ROOT, 'playbooks/multi-cluster.yaml'), work)
    expect(gated.weighted).toEqual([mesh])
    expect(gated.environments).toEqual([])
    const r = await loadPlaybook(gated.file, { vars: { killGateUrl: 'http://127.0.0.1:1/gate/0' } })
    if (!r.ok) throw new Error(JSON.stringify(r.problems))
    const step = r.playbook.steps.find((s) => s.id === 'shift-mesh')!
    expect(step.params).toMatchObject({ bake: '5m', gates: [{ http: { url: 'http://127.0.0.1:1/gate/0', expectStatus: 200, times: 1, intervalSeconds: 150 } }] })
    expect([stageOf(splitAt(0), mesh), stageOf(splitAt(50), mesh), stageOf({ clusters: {} }, mesh)]).toEqual([0, 50, null])
  })

  it('flags every stage but the last without a passed gate', () => {
    expect(ungatedStages([10, 50], website)).toEqual([])
    expect(ungatedStages([50], website)).toEqual(['shift-website: no gate passed while the records were at the 10% stage (gate checks answered at: 50%)'])
    expect(stageOf(dumpAt(10), website)).toBe(10)
  })

  it('answers checks with the stage the estate is at, and holds the n-th one unanswered', async () => {
    let eks = 10
    server = await startGateServer(website, [async () => dumpAt(eks)])
    server.reset(0, 2)
    expect((await fetch(server.url(0))).status).toBe(200)
    eks = 50
    const held = fetch(server.url(0)).then((r) => r.status, () => 'dropped')
    await expect.poll(() => server!.reached(0)).toBe(true)
    server.release(0)
    expect(await held).toBe('dropped')
    expect((await fetch(server.url(0))).status).toBe(200)
    expect(server.passed(0)).toEqual([10, 50])
  })
})
