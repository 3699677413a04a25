/**
 * The harness's gate server: the HTTP gate of the staged steps (see gated-playbook.ts) points
 * here, one path per sandbox. At each check it reads the sandbox's estate and notes the stage the
 * records or the mesh object are at (percent of the pair's weight on `to`) when it answered 200,
 * and, when told to, holds the n-th check unanswered so the runner can be killed during that gate.
 */
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { WeightedStep } from './gated-playbook.js'

type Lane = { dump: () => Promise<unknown>; holdAt: number | null; seen: number; held: ServerResponse[]; passed: number[] }

export type GateServer = {
  /** The gate URL of sandbox `lane`. */
  url(lane: number): string
  /** Forget what was seen; with `holdAt`, hold the `holdAt`-th check from now. */
  reset(lane: number, holdAt?: number): void
  reached(lane: number): boolean
  /** Disarm, and drop held checks (the runner is dead by then). */
  release(lane: number): void
  /** The stages (percent) at which a check was answered 200 since the last reset, in order. */
  passed(lane: number): number[]
  stop(): Promise<void>
}

type Dump = {
  route53?: { zones?: Array<{ RecordSets: Array<{ Name: string; SetIdentifier?: string; Weight?: number }> }> }
  kubernetes?: { objects: MeshObject[] }
  clusters?: Record<string, { objects: MeshObject[] }>
}
type MeshObject = { kind: string; metadata: { name: string }; spec?: any }

/** Percent of the pair's weight on `to` (null: the pair is not there). */
const percent = (to: number, from: number | undefined) => (from === undefined ? null : to + from === 0 ? 0 : Math.round((100 * to) / (to + from)))

/** The stage (percent on the `to` set or backend) the estate holds now: the first record's, or the mesh object's in its cluster. */
export function stageOf(dump: unknown, w: WeightedStep): number | null {
  const d = dump as Dump
  if (w.kind === 'mesh') {
    const store = w.cluster === 'default' ? d.kubernetes : d.clusters?.[w.cluster]
    const o = store?.objects.find((x) => (x.kind === 'TrafficSplit' || x.kind === 'HTTPRoute') && x.metadata.name === w.record)
    if (!o) return null
    const backends: Array<{ name: string; weight?: number }> = o.kind === 'TrafficSplit'
      ? (o.spec?.backends ?? []).map((b: { service: string; weight?: number }) => ({ name: b.service, weight: b.weight }))
      : (o.spec?.rules?.[0]?.backendRefs ?? [])
    return percent(backends.find((b) => b.name === w.to)?.weight ?? 0, backends.find((b) => b.name === w.from)?.weight ?? 0)
  }
  for (const z of d.route53?.zones ?? []) {
    const sets = z.RecordSets.filter((r) => r.Name.startsWith(`${w.record}.`))
    const stage = percent(sets.find((r) => r.SetIdentifier === w.to)?.Weight ?? 0, sets.find((r) => r.SetIdentifier === w.from)?.Weight)
    if (stage !== null) return stage
  }
  return null
}

export async function startGateServer(weighted: WeightedStep, dumps: Array<() => Promise<unknown>>): Promise<GateServer> {
  const lanes: Lane[] = dumps.map((dump) => ({ dump, holdAt: null, seen: 0, held: [], passed: [] }))
  const server = createServer((req, res) => {
    const lane = lanes[Number(/^\/gate\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1)]
    if (!lane) return void res.writeHead(404).end()
    lane.seen += 1
    if (lane.seen === lane.holdAt) return void lane.held.push(res)
    void lane.dump().then(
      (d) => {
        const stage = stageOf(d, weighted)
        if (stage !== null) lane.passed.push(stage)
        res.writeHead(200).end('ok')
      },
      () => res.writeHead(503).end('sandbox dump failed'),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: (lane) => `http://127.0.0.1:${port}/gate/${lane}`,
    reset(lane, holdAt) {
      Object.assign(lanes[lane]!, { holdAt: holdAt ?? null, seen: 0, passed: [] })
    },
    reached: (lane) => lanes[lane]!.held.length > 0,
    release(lane) {
      lanes[lane]!.holdAt = null
      for (const res of lanes[lane]!.held.splice(0)) res.destroy()
    },
    passed: (lane) => [...lanes[lane]!.passed],
    stop: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  }
}
