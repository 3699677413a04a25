/**
 * Backend weights of a mesh object: SMI TrafficSplit (`spec.backends[].service/weight`,
 * v1alpha1 to v1alpha4) and Gateway API HTTPRoute (`spec.rules[].backendRefs[].name/weight`,
 * weight 1 when absent). An item's state is the weights of the two shifted backends per list
 * that holds them, keyed by the list's JSON pointer: `{"/spec/backends": {"web-ecs": 100, "web-eks": 0}}`.
 */
import type { KubeObject } from '../../runner/clients/kube-types.js'

export type Weights = Record<string, Record<string, number>>

type Entry = { list: string; index: number; backend: string; weight: number | string | undefined }

function entries(obj: KubeObject): Entry[] {
  const spec = (obj.spec ?? {}) as { backends?: Array<{ service?: string; weight?: number | string }>; rules?: Array<{ backendRefs?: Array<{ name?: string; weight?: number }> }> }
  if (obj.kind === 'TrafficSplit') return (spec.backends ?? []).map((b, index) => ({ list: '/spec/backends', index, backend: String(b.service), weight: b.weight }))
  return (spec.rules ?? []).flatMap((r, i) => (r.backendRefs ?? []).map((b, index) => ({ list: `/spec/rules/${i}/backendRefs`, index, backend: String(b.name), weight: b.weight ?? 1 })))
}

/** The weights of `from` and `to` in `obj`, or a problem (a backend missing, a weight not a whole number). */
export function readWeights(obj: KubeObject, from: string, to: string): Weights | { problem: string } {
  const out: Weights = {}
  for (const e of entries(obj)) {
    if (e.backend !== from && e.backend !== to) continue
    if (typeof e.weight !== 'number' || !Number.isInteger(e.weight)) return { problem: `the weight of backend ${e.backend} at ${e.list}/${e.index} is ${JSON.stringify(e.weight)}, not a whole number` }
    ;(out[e.list] ??= {})[e.backend] = e.weight
  }
  const lists = Object.entries(out)
  if (lists.length === 0) return { problem: `no backend ${from} or ${to} in it` }
  for (const [list, w] of lists) {
    for (const b of [from, to]) if (w[b] === undefined) return { problem: `${list} has no backend ${b} (list it with weight 0 before shifting)` }
  }
  return out
}

/** The weights at `percent` of each list's total on `to` (the rest on `from`). */
export function stageWeights(before: Weights, from: string, to: string, percent: number): Weights {
  const out: Weights = {}
  for (const [list, w] of Object.entries(before)) {
    const total = w[from] + w[to] || 100
    const t = Math.round((total * percent) / 100)
    out[list] = { [from]: total - t, [to]: t }
  }
  return out
}

/** Percent of the traffic `to` gets (lowest over the lists). */
export function shareOf(w: Weights, from: string, to: string): number {
  return Math.min(...Object.values(w).map((x) => (x[from] + x[to] === 0 ? 0 : (x[to] * 100) / (x[from] + x[to]))))
}

/** JSON patch ops setting `wanted` in `obj`, each guarded by a test of the backend's name at its index. */
export function patchOps(obj: KubeObject, wanted: Weights): unknown[] {
  const ops: unknown[] = []
  const nameField = obj.kind === 'TrafficSplit' ? 'service' : 'name'
  for (const e of entries(obj)) {
    const w = wanted[e.list]?.[e.backend]
    if (w === undefined || w === e.weight) continue
    ops.push({ op: 'test', path: `${e.list}/${e.index}/${nameField}`, value: e.backend })
    ops.push({ op: obj.kind === 'HTTPRoute' && e.weight === undefined ? 'add' : 'replace', path: `${e.list}/${e.index}/weight`, value: w })
  }
  return ops
}

export const describeWeights = (w: Weights) => Object.values(w).map((x) => Object.entries(x).map(([b, n]) => `${b}=${n}`).join(' ')).join('; ')
