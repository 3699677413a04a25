/**
 * `mesh.shift`: move traffic from one backend to another inside a service mesh, in stages, on an
 * SMI TrafficSplit or a Gateway API HTTPRoute, in one or several clusters per stage (the same
 * stage written to each cluster's object), with gates between stages and a bake after the last.
 * Before a backend gets weight its Service exists (checked at plan time) and has ready endpoints
 * (checked before each stage's writes) in that cluster. Each stage is journaled before it is
 * written; a resumed run finishes the stage it died in (its gate) before the next one.
 */
import * as z from 'zod'
import type { ApplyContext, Change, Observed, StepContext, StepType } from '../runner/contract.js'
import type { KubeApi, KubeObject, KubeRef } from '../runner/clients/kube-types.js'
import { sameState } from '../runner/canonical.js'
import { gatesSchema } from '../runner/gates/schema.js'
import { durationSchema } from '../runner/playbook/schema.js'
import { markStage, stageProgress } from '../runner/stages.js'
import { describeRef, itemKey, refOfKey } from './kube/objects.js'
import { describeWeights, patchOps, readWeights, shareOf, stageWeights, type Weights } from './mesh/weights.js'
import { stageGate } from './route53/weighted.js'
import { StepError, messageOf } from './step-error.js'

const TYPE = 'mesh.shift'
const DEFAULT_API = { TrafficSplit: 'split.smi-spec.io/v1alpha2', HTTPRoute: 'gateway.networking.k8s.io/v1' } as const

export class MeshObjectUnusable extends StepError {}
export class BackendNotReady extends StepError {}
export class MeshWriteFailed extends StepError {}

const params = z
  .object({
    kind: z.enum(['TrafficSplit', 'HTTPRoute'], { error: 'TrafficSplit (SMI) or HTTPRoute (Gateway API)' }),
    apiVersion: z.string().regex(/^(split\.smi-spec\.io\/v1alpha[1-4]|gateway\.networking\.k8s\.io\/v1(beta1)?)$/, 'split.smi-spec.io/v1alpha1..v1alpha4 or gateway.networking.k8s.io/v1').optional(),
    namespace: z.string().min(1),
    name: z.string().min(1),
    from: z.string({ error: 'the Service that has the traffic now' }).min(1),
    to: z.string({ error: 'the Service that gets it' }).min(1),
    stages: z.array(z.number().int().min(1).max(100)).min(1).default([10, 50, 100])
      .refine((s) => s.every((x, i) => i === 0 || x > s[i - 1]) && s[s.length - 1] === 100, 'stages must rise and end at 100'),
    clusters: z.array(z.string().min(1)).min(1).default(['default']).describe('clusters whose object moves with each stage (names of the environment)'),
    gates: gatesSchema.optional(),
    bake: durationSchema.optional().describe('after the last stage, keep watching the gates this long; a failure rolls back'),
  })
  .strict()
  .refine((p) => p.from !== p.to, 'from and to must differ')
  .refine((p) => !p.bake || (p.gates ?? []).some((g) => !('approval' in g)), 'bake watches the signal gates (http, alarms, prometheus): add one')

export type MeshShiftParams = z.infer<typeof params>

const refOf = (p: MeshShiftParams): KubeRef => ({ apiVersion: p.apiVersion ?? DEFAULT_API[p.kind], kind: p.kind, namespace: p.namespace, name: p.name })
/** `@<cluster>/<key>` for a cluster other than the default one (the targets convention). */
const keyOf = (cluster: string, ref: KubeRef) => (cluster === 'default' ? itemKey(ref) : `@${cluster}/${itemKey(ref)}`)
function parseItem(key: string): { cluster: string; ref: KubeRef } {
  const m = /^@([^/]+)\/(.*)$/.exec(key)
  return m ? { cluster: m[1], ref: refOfKey(m[2]) } : { cluster: 'default', ref: refOfKey(key) }
}

async function readObject(kube: KubeApi, ref: KubeRef, phase: 'observe' | 'apply' | 'restore', cluster: string): Promise<KubeObject> {
  const obj = await kube.get(ref)
  if (!obj) throw new MeshObjectUnusable(TYPE, phase, `${describeRef(ref)} does not exist in cluster ${cluster}`, 'Create it first (k8s.apply) or fix kind, namespace and name; mesh.shift never creates objects')
  return obj
}

/** The Service exists and has at least one ready endpoint (EndpointSlices of the Service). */
async function readiness(kube: KubeApi, namespace: string, service: string): Promise<string | null> {
  const svc = await kube.get({ apiVersion: 'v1', kind: 'Service', namespace, name: service })
  if (!svc) return `Service ${namespace}/${service} does not exist`
  const slices = await kube.list('discovery.k8s.io/v1', 'EndpointSlice', { namespace, labelSelector: `kubernetes.io/service-name=${service}` })
  const ready = slices.flatMap((s) => ((s.endpoints ?? []) as Array<{ conditions?: { ready?: boolean } }>)).filter((e) => e.conditions?.ready !== false)
  return ready.length > 0 ? null : `Service ${namespace}/${service} has no ready endpoints`
}

export const meshShift: StepType<MeshShiftParams> = {
  type: TYPE,
  description:
    'Move traffic from one backend Service to another in stages (e.g. 10, 50, 100%) on an SMI TrafficSplit (v1alpha1 to v1alpha4) ' +
    'or a Gateway API HTTPRoute, in one or several clusters per stage, with gates (approval, http, CloudWatch alarms, Prometheus) ' +
    'between stages and an optional bake after the last; a failed gate puts the weights back. The backend that gets weight must ' +
    'exist as a Service (refused at plan time) with ready endpoints (refused before any write) in every cluster.',
  params,
  itemStates: 'mesh.weights',

  async observe(ctx: StepContext, p: MeshShiftParams, keys?: string[]): Promise<Observed> {
    const items = keys ? keys.map(parseItem) : p.clusters.map((cluster) => ({ cluster, ref: refOf(p) }))
    const out: Observed = {}
    for (const { cluster, ref } of items) {
      const kube = ctx.cluster(cluster)
      const w = readWeights(await readObject(kube, ref, keys ? 'restore' : 'observe', cluster), p.from, p.to)
      if ('problem' in w) throw new MeshObjectUnusable(TYPE, 'observe', `${describeRef(ref)} in cluster ${cluster}: ${w.problem}`, 'Fix from and to, or the object')
      if (!keys) {
        const svc = await kube.get({ apiVersion: 'v1', kind: 'Service', namespace: p.namespace, name: p.to })
        if (!svc) throw new BackendNotReady(TYPE, 'observe', `Service ${p.namespace}/${p.to} does not exist in cluster ${cluster}`, 'Deploy it before the shift (k8s.apply) or fix to')
      }
      out[keyOf(cluster, ref)] = w
    }
    return out
  },

  diff(p: MeshShiftParams, now: Observed): Change[] {
    return Object.entries(now).flatMap(([key, before]) => {
      const after = stageWeights(before as Weights, p.from, p.to, 100)
      return sameState(before, after) ? [] : [{ key, before, after, summary: `${key}: ${describeWeights(before as Weights)} -> ${describeWeights(after)} in stages ${p.stages.join(', ')}%` }]
    })
  },

  async apply(ctx: ApplyContext, p: MeshShiftParams, changes: Change[]): Promise<void> {
    if (changes.length === 0) return
    const last = p.stages.length - 1
    const current = (c: Change) => shareOf(c.before as Weights, p.from, p.to)
    // The highest stage short of the last that every object already holds: a resumed run.
    const held = p.stages.slice(0, last).map((s) => changes.every((c) => current(c) >= s)).lastIndexOf(true)
    for (const [i, stage] of p.stages.entries()) {
      if (i < held) continue
      const gate = stageGate(p, stage, i === last)
      const progress = stageProgress(ctx, stage)
      if (i === held || (i === last && changes.every((c) => current(c) >= 100))) {
        if (progress.passed || !gate) continue
        ctx.log(`mesh shift ${p.from} -> ${p.to}: passing the gate of stage ${stage}% of an interrupted run`)
      } else {
        await writeStage(ctx, p, changes, stage)
        await markStage(ctx, stage, 'verified')
      }
      if (gate) {
        await ctx.gate(gate.gates, gate.opts)
        await markStage(ctx, stage, 'passed')
      }
    }
  },

  /** A run killed in the bake (weights at 100%, nothing left to change) finishes the bake. */
  async settle(ctx: ApplyContext, p: MeshShiftParams): Promise<void> {
    const stage = p.stages[p.stages.length - 1]
    const gate = stageGate(p, stage, true)
    if (!gate || stageProgress(ctx, stage).passed) return
    await ctx.gate(gate.gates, gate.opts)
    await markStage(ctx, stage, 'passed')
  },

  async applyRestore(ctx: ApplyContext, p: MeshShiftParams, changes: Change[]): Promise<void> {
    for (const c of changes) await writeItem(ctx, c.key, c.after as Weights, 'restore')
  },

  inverse: (p) => ({ type: TYPE, with: p as Record<string, unknown> }),
}

/** One stage: the backend is ready in every cluster, the stage is journaled, then each cluster's object is written. */
async function writeStage(ctx: ApplyContext, p: MeshShiftParams, changes: Change[], stage: number): Promise<void> {
  for (const c of changes) {
    const { cluster } = parseItem(c.key)
    const problem = await readiness(ctx.cluster(cluster), p.namespace, p.to)
    if (problem) throw new BackendNotReady(TYPE, 'apply', `${problem} in cluster ${cluster}; ${p.to} would get ${stage}% of the traffic`, 'Wait until its pods are ready (or fix to) and run again')
  }
  const targets = changes.map((c) => ({ key: c.key, state: stageWeights(c.before as Weights, p.from, p.to, stage) }))
  ctx.log(`mesh shift ${p.from} -> ${p.to}: stage ${stage}% in ${changes.map((c) => parseItem(c.key).cluster).join(', ')}`)
  await ctx.intermediate(targets)
  for (const t of targets) await writeItem(ctx, t.key, t.state, 'apply')
}

async function writeItem(ctx: ApplyContext, key: string, wanted: Weights, phase: 'apply' | 'restore'): Promise<void> {
  const { cluster, ref } = parseItem(key)
  const kube = ctx.cluster(cluster)
  const live = await readObject(kube, ref, phase, cluster)
  const ops = patchOps(live, wanted)
  if (ops.length === 0) return void (await ctx.applied([key]))
  try {
    await kube.patch(ref, ops, 'json')
  } catch (e) {
    throw new MeshWriteFailed(TYPE, phase, `writing the weights of ${describeRef(ref)} in cluster ${cluster} failed: ${messageOf(e)}`, 'Check the object (kubectl get -o yaml) and run again', e)
  }
  await ctx.applied([key])
}
