/**
 * Gates and mesh shifts through the engine, against the sandbox over real HTTP with the real SDK
 * and Kubernetes clients: CloudWatch alarms flipped between stages and during a bake, a Prometheus
 * gate's threshold and `for:` window, a backend without ready endpoints, and the API calls each
 * stage and each gate sample costs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { EngineEvent } from '../runner/events.js'
import type { Playbook } from '../runner/engine/types.js'
import type { FileJournal } from '../runner/journal/file.js'
import { dyingJournal } from './helpers/dying-journal.js'
import { websiteBackends } from './helpers/mesh-backends.js'
import { entriesOf, openWorld, runReference, type World } from './helpers/reference-run.js'

let w: World | undefined
const dirs: string[] = []
afterEach(async () => {
  await w?.stop()
  w = undefined
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

/** Events that call `on` for each one as the engine emits it. */
function watching(on: (e: EngineEvent) => void): EngineEvent[] {
  return new (class extends Array<EngineEvent> {
    override push(...items: EngineEvent[]): number {
      for (const e of items) on(e)
      return super.push(...items)
    }
  })()
}

const flip = (world: World, name: string, state: 'OK' | 'ALARM') => {
  const alarm = world.sb.core.estate.cloudwatch!.alarms.find((a) => a.AlarmName === name)!
  alarm.StateValue = state
  alarm.StateReason = `set by the test to ${state}`
}

const withBake = (bake: string) => (pb: Playbook): Playbook => ({
  ...pb,
  steps: pb.steps.map((s) => (s.id === 'shift-website' ? { ...s, params: { ...s.params, weighted: { ...(s.params as any).weighted, bake } } } : s)),
})

describe('alarm gates on the reference shift', () => {
  it('an alarm in ALARM after the 50% stage fails the shift (exit 1) and the run ends with the records of the seed', async () => {
    w = await openWorld()
    const world = w
    const seed = world.sb.dump()
    world.events = watching((e) => {
      if (e.kind === 'wait' && e.reason.startsWith('gate after the 50% stage')) flip(world, 'prod-website-5xx', 'ALARM')
    })
    const r = await runReference(world, 'prod')
    expect([r.status, r.exitCode]).toEqual(['rolled-back', 1])
    const failed = world.events.find((e) => e.kind === 'step-failed' && e.step === 'shift-website') as { error?: string; message?: string } | undefined
    expect(JSON.stringify(failed)).toContain('prod-website-5xx is ALARM (set by the test to ALARM)')
    flip(world, 'prod-website-5xx', 'OK')
    expect(world.sb.dump()).toEqual(seed)
    const gates = (await entriesOf(world, r.runId)).filter((e) => e.t === 'fact' && e.kind === 'gate').map((e) => (e as { data: Record<string, unknown> }).data)
    expect(gates.map((g) => [g.stage, g.gate, g.passed])).toEqual([
      ['after the 10% stage', 'alarms prod-website-5xx', true],
      ['after the 10% stage', 'approval Is the website healthy on EKS?', true],
      ['after the 50% stage', 'alarms prod-website-5xx', false],
    ])
  })

  it('an alarm flipped to ALARM during the bake rolls the run back', async () => {
    w = await openWorld()
    const world = w
    const seed = world.sb.dump()
    let bakeWaits = 0
    world.events = watching((e) => {
      if (e.kind === 'wait' && e.reason.startsWith('gate during the 10m bake') && ++bakeWaits === 5) flip(world, 'prod-website-5xx', 'ALARM')
    })
    const r = await runReference(world, 'prod', { edit: withBake('10m') })
    expect([r.status, r.exitCode]).toEqual(['rolled-back', 1])
    const gates = (await entriesOf(world, r.runId)).filter((e) => e.t === 'fact' && e.kind === 'gate').map((e) => (e as { data: Record<string, unknown> }).data)
    expect(gates.at(-1)).toMatchObject({ stage: 'during the 10m bake', gate: 'alarms prod-website-5xx', passed: false, samples: 6 })
    flip(world, 'prod-website-5xx', 'OK')
    expect(world.sb.dump()).toEqual(seed)
  })

  it('API calls: one DescribeAlarms per gate sample, one change batch per stage', async () => {
    w = await openWorld()
    const world = w
    let start = 0
    world.events = watching((e) => {
      if (e.kind === 'step-start' && e.step === 'shift-website') start = world.sb.calls().length
    })
    const r = await runReference(world, 'prod', { edit: withBake('2m') })
    expect(r.status).toBe('done')
    const calls = world.sb.calls().slice(start)
    const count = (op: string) => calls.filter((c) => c.operation === op).length
    // 2 stages gated for 2m every 15s (9 samples each) + the bake of 2m (9 samples).
    expect(count('DescribeAlarms')).toBe(27)
    expect(count('ChangeResourceRecordSets')).toBe(3)
  })
})

const manifests = (eksReady: boolean) => `${websiteBackends(eksReady)}---
apiVersion: split.smi-spec.io/v1alpha4
kind: TrafficSplit
metadata: { name: website }
spec:
  service: website
  backends: [{ service: website-ecs, weight: 100 }, { service: website-eks, weight: 0 }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: website }
spec:
  parentRefs: [{ name: mesh }]
  rules: [{ backendRefs: [{ name: website-ecs, port: 80, weight: 100 }, { name: website-eks, port: 80, weight: 0 }] }]
`

const QUERY = 'sum(rate(http_requests_total{service="website-eks",code=~"5.."}[1m])) / sum(rate(http_requests_total{service="website-eks"}[1m]))'

/** `steps`: both (default), only the deploy, or only the shift (objects deployed by an earlier run). */
async function meshPlaybook(url: string, opts: { eksReady: boolean; kind: 'TrafficSplit' | 'HTTPRoute'; for?: string; steps?: 'deploy' | 'shift' }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mesh-'))
  dirs.push(dir)
  await writeFile(join(dir, 'shop.yaml'), manifests(opts.eksReady))
  const deploy = `
  - id: deploy
    type: k8s.apply
    with: { path: shop.yaml, namespace: shop, wait: ${opts.eksReady ? '{ timeout: 5m, interval: 5s }' : 'false'} }`
  const shift = `
  - id: shift
    type: mesh.shift
    with:
      kind: ${opts.kind}
      apiVersion: ${opts.kind === 'TrafficSplit' ? 'split.smi-spec.io/v1alpha4' : 'gateway.networking.k8s.io/v1'}
      namespace: shop
      name: website
      from: website-ecs
      to: website-eks
      stages: [10, 50, 100]
      gates:
        - prometheus: { url: "${url}", query: '${QUERY}', below: 0.01 }
          for: ${opts.for ?? '1m'}
          every: 15s`
  const steps = opts.steps === 'deploy' ? deploy : opts.steps === 'shift' ? shift : deploy + shift
  await writeFile(join(dir, 'mesh.yaml'), `version: 1\nname: mesh\ndefaults: { onFailure: rollback }\nsteps:${steps}\n`)
  return join(dir, 'mesh.yaml')
}

const setProm = (world: World, value: number) => fetch(`${world.sb.url}/_sandbox/prometheus`, { method: 'POST', body: JSON.stringify({ query: QUERY, value }) })

const weightsOf = (world: World, kind: string) => {
  const o = world.sb.core.estate.kubernetes.objects.find((x) => x.kind === kind && x.metadata.name === 'website')!
  const spec = o.spec as any
  const list = kind === 'TrafficSplit' ? spec.backends.map((b: any) => [b.service, b.weight]) : spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight])
  return Object.fromEntries(list)
}

describe('mesh.shift through the engine', () => {
  for (const kind of ['TrafficSplit', 'HTTPRoute'] as const) {
    it(`${kind}: a Prometheus value below the threshold passes each stage's window; the shift ends at 100%, every stage journaled before its write`, async () => {
      w = await openWorld()
      const world = w
      await setProm(world, 0.002)
      let start = 0
      world.events = watching((e) => {
        if (e.kind === 'step-start' && e.step === 'shift') start = world.sb.calls().length
      })
      const r = await runReference(world, null, { file: await meshPlaybook(world.sb.url, { eksReady: true, kind }) })
      expect(r.status).toBe('done')
      expect(weightsOf(world, kind)).toEqual({ 'website-ecs': 0, 'website-eks': 100 })
      const entries = await entriesOf(world, r.runId)
      const shift = entries.filter((e) => 'step' in e && e.step === 'shift').map((e) => (e.t === 'stage' ? `stage ${JSON.stringify(Object.values((e as any).state)[0])}` : e.t === 'applied' ? 'applied' : e.t)).filter((t) => t.startsWith('stage') || t === 'applied')
      expect(shift).toEqual([
        'stage {"website-ecs":90,"website-eks":10}', 'applied',
        'stage {"website-ecs":50,"website-eks":50}', 'applied',
        'stage {"website-ecs":0,"website-eks":100}', 'applied',
      ])
      const calls = world.sb.calls().slice(start)
      // 2 gated stages x (1m / 15s + 1) samples
      expect(calls.filter((c) => c.service === 'prometheus').length).toBe(10)
      expect(calls.filter((c) => c.service === 'kubernetes' && c.mutating).length).toBe(3)
      // observe: the object and the Service; each stage: Service, EndpointSlices, the object, one JSON patch.
      // (plus one discovery call of the client, once per invocation)
      expect(calls.filter((c) => c.service === 'kubernetes' && c.operation !== 'discovery').length).toBe(2 + 3 * 4)
    })
  }

  it('a value above the threshold inside the for: window fails the gate with its value and puts the weights back (exit 1)', async () => {
    w = await openWorld()
    const world = w
    await setProm(world, 0.002)
    let gateWaits = 0
    world.events = watching((e) => {
      if (e.kind === 'wait' && e.reason.startsWith('gate after the 10% stage') && ++gateWaits === 3) void setProm(world, 0.05)
    })
    const file = await meshPlaybook(world.sb.url, { eksReady: true, kind: 'TrafficSplit', for: '2m' })
    const r = await runReference(world, null, { file })
    expect([r.status, r.exitCode]).toEqual(['rolled-back', 1])
    const gate = (await entriesOf(world, r.runId)).filter((e) => e.t === 'fact' && e.kind === 'gate').map((e) => (e as { data: Record<string, unknown> }).data)
    expect(gate).toEqual([expect.objectContaining({ stage: 'after the 10% stage', passed: false, value: '0.05, expected below 0.01', samples: 4, atMs: 45_000 })])
    // The run rolled back: the deploy is removed again, so the split is gone with it.
    expect(world.sb.core.estate.kubernetes.objects.some((o) => o.kind === 'TrafficSplit')).toBe(false)
  })

  it('a backend whose Service has no ready endpoints is refused before the shift writes anything', async () => {
    w = await openWorld()
    const world = w
    await setProm(world, 0)
    let start = -1
    let end = -1
    world.events = watching((e) => {
      if (e.kind === 'step-start' && e.step === 'shift') start = world.sb.calls().length
      if (e.kind === 'step-failed' && e.step === 'shift') end = world.sb.calls().length
    })
    const r = await runReference(world, null, { file: await meshPlaybook(world.sb.url, { eksReady: false, kind: 'TrafficSplit' }) })
    expect([r.status, r.exitCode]).toEqual(['rolled-back', 1])
    expect(start).toBeGreaterThan(0)
    expect(world.sb.calls().slice(start, end).filter((c) => c.mutating)).toEqual([])
    const entries = await entriesOf(world, r.runId)
    expect(entries.filter((e) => 'step' in e && e.step === 'shift' && (e.t === 'stage' || e.t === 'applied'))).toEqual([])
    expect(JSON.stringify(world.events.find((e) => e.kind === 'step-failed'))).toContain('Service shop/website-eks has no ready endpoints')
  })
})

describe('mesh.shift killed inside a stage', () => {
  for (const at of ['the 50% stage is written', 'the gate after the 50% stage is sampled'] as const) {
    it(`killed after ${at}, a rerun passes that stage's gate before the 100% stage`, async () => {
      w = await openWorld()
      const world = w
      await setProm(world, 0.002)
      // Deployed by a run of its own: a k8s.apply of the split in the resumed run would put its manifest's weights back.
      expect((await runReference(world, null, { file: await meshPlaybook(world.sb.url, { eksReady: true, kind: 'TrafficSplit', steps: 'deploy' }) })).status).toBe('done')
      const file = await meshPlaybook(world.sb.url, { eksReady: true, kind: 'TrafficSplit', steps: 'shift' })
      const real = world.journal
      let applied = 0
      world.journal = dyingJournal(real, (e) => {
        if (!('step' in e) || e.step !== 'shift') return false
        if (e.t === 'applied') applied++
        // Dies on the first journal write after the moment named.
        return at === 'the 50% stage is written' ? e.t === 'fact' && applied === 2 : e.t === 'wait' && applied === 2 && e.reason.startsWith('gate after the 50% stage')
      }) as FileJournal
      await runReference(world, null, { file }).catch(() => undefined)
      world.journal = real
      expect(weightsOf(world, 'TrafficSplit')).toEqual({ 'website-ecs': 50, 'website-eks': 50 })
      const seen: Array<{ reason: string; weights: Record<string, number> }> = []
      world.events = watching((e) => {
        if (e.kind === 'wait' && e.step === 'shift') seen.push({ reason: e.reason, weights: weightsOf(world, 'TrafficSplit') })
      })
      const r = await runReference(world, null, { file })
      expect([r.status, r.resumed]).toEqual(['done', true])
      expect(weightsOf(world, 'TrafficSplit')).toEqual({ 'website-ecs': 0, 'website-eks': 100 })
      // The rerun watched the 50% gate's whole window while the split was still at 50%.
      const at50 = seen.filter((s) => s.reason.startsWith('gate after the 50% stage'))
      expect(at50).toHaveLength(4)
      expect(at50.every((s) => s.weights['website-eks'] === 50)).toBe(true)
    })
  }
})
