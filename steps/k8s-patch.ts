/**
 * `k8s.patch`: a reversible patch of one object (JSON merge patch or JSON patch), e.g. the backend
 * weights of an SMI TrafficSplit, or an annotation.
 *
 * Item state: the values of exactly the paths the patch touches, as `{jsonPointer: value}` with
 * absent paths left out. That is what is journaled and what the inverse writes back (absent stays
 * absent); the rest of the object is not the step's business and is never compared.
 * The json form follows RFC 6902 (see kube/json-patch.ts): a patch that does not apply to the live
 * object is refused when observed, before any write, unless the object already holds what the
 * patch leaves (a rerun); the forward write sends the operations as written, `test` included.
 * The merge form (RFC 7386) creates missing parents. A restore writes the journaled values back
 * through a JSON patch computed from the live object (add with missing parents, replace, remove).
 */
import { z } from 'zod'
import type { ApplyContext, Change, Observed, StepContext, StepType } from '../runner/contract.js'
import type { KubeRef } from '../runner/clients/kube-types.js'
import { sameState } from '../runner/canonical.js'
import { describeRef, itemKey } from './kube/objects.js'
import { applyJsonPatch } from './kube/json-patch.js'
import { covers, mergeLeaves, parsePointer, patchTo, valuesAt, type PathValues } from './kube/pointer.js'
import { StepError, messageOf } from './step-error.js'

const TYPE = 'k8s.patch'

const pointer = z.string().refine((s) => {
  try {
    const t = parsePointer(s)
    return t.length > 0 && t[t.length - 1] !== '-'
  } catch {
    return false
  }
}, 'a JSON pointer such as /spec/backends/0/weight (to append, give the index of the end, e.g. /spec/backends/2: with "-" a rerun or a rollback cannot find the item again)')

const jsonOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), path: pointer, value: z.unknown() }).strict(),
  z.object({ op: z.literal('replace'), path: pointer, value: z.unknown() }).strict(),
  z.object({ op: z.literal('remove'), path: pointer }).strict(),
  z.object({ op: z.literal('test'), path: pointer, value: z.unknown() }).strict(),
])

export const k8sPatchParams = z
  .object({
    ref: z.object({ apiVersion: z.string().min(1), kind: z.string().min(1), namespace: z.string().min(1).optional(), name: z.string().min(1) }).strict(),
    merge: z.record(z.string(), z.unknown()).optional(),
    json: z.array(jsonOp).min(1, 'json must list at least one operation').optional(),
  })
  .strict()
  .refine((p) => (p.merge ? 1 : 0) + (p.json ? 1 : 0) === 1, 'give either merge (a JSON merge patch) or json (JSON patch operations), not both')

export type K8sPatchParams = z.infer<typeof k8sPatchParams>

export class PatchFailed extends StepError {}
export class PatchCannotApply extends StepError {}

/** The pointers the patch touches, in order, with the value each gets (null: removed). */
function writesOf(p: K8sPatchParams): Array<[string, unknown]> {
  if (p.merge) return mergeLeaves(p.merge)
  return (p.json ?? []).filter((op) => op.op !== 'test').map((op) => [op.path, op.op === 'remove' ? null : (op.value ?? null)] as [string, unknown])
}

export const touchedPointers = (p: K8sPatchParams): string[] => [...new Set(writesOf(p).map(([ptr]) => ptr))]

/**
 * The state the patch leaves (pure), in the shape {@link valuesAt} observes: a removal is null at
 * the pointer, or at the absent ancestor `before` already records.
 */
export function desiredState(p: K8sPatchParams, before: PathValues | null): PathValues {
  const out: PathValues = {}
  for (const [ptr, value] of writesOf(p)) {
    for (const k of Object.keys(out)) if (covers(ptr, k) || covers(k, ptr)) delete out[k]
    if (value !== null) {
      out[ptr] = value
      continue
    }
    const absentAncestor = Object.keys(before ?? {}).find((k) => (before as PathValues)[k] === null && covers(k, ptr))
    out[absentAncestor ?? ptr] = null
  }
  return out
}

export const k8sPatch: StepType<K8sPatchParams> = {
  type: TYPE,
  description:
    'Patch one Kubernetes object (JSON merge patch, or JSON patch add/replace/remove/test), e.g. the backend weights of an SMI ' +
    'TrafficSplit or an annotation. JSON patch follows RFC 6902: replace, remove and test need the path, add needs its parent, ' +
    'list indices must be in range, and a patch that does not apply is refused at plan time with what is there instead; a ' +
    'list grows only at its end and loses only its last item (anything else cannot be undone by path). A merge patch ' +
    'creates missing parents. The values of exactly the touched paths are journaled; rollback writes them back, removing ' +
    'paths that were absent.',
  params: k8sPatchParams,

  async observe(ctx: StepContext, p: K8sPatchParams, keys?: string[]): Promise<Observed> {
    const ref = p.ref as KubeRef
    const live = await ctx.kube.get(ref)
    const now = live ? valuesAt(live, touchedPointers(p)) : null
    // Forward mode only: a restore writes journaled values, whatever the operations say.
    if (!keys && live && p.json && !sameState(now, desiredState(p, now))) refuseUnless(live, p, 'observe')
    return { [itemKey(ref)]: now }
  },

  diff(p: K8sPatchParams, now: Observed): Change[] {
    const key = itemKey(p.ref as KubeRef)
    const before = (now[key] ?? null) as PathValues | null
    const after = desiredState(p, before)
    if (sameState(before, after)) return []
    return [{ key, before, after, summary: `patch ${describeRef(p.ref as KubeRef)}: ${Object.keys(after).concat(Object.keys(before ?? {})).filter((v, i, a) => a.indexOf(v) === i).join(', ')}` }]
  },

  apply: (ctx, p, changes) => write(ctx, p, changes, 'apply'),
  applyRestore: (ctx, p, changes) => write(ctx, p, changes, 'restore'),
  inverse: (p) => ({ type: TYPE, with: p as Record<string, unknown> }),
}

async function write(ctx: ApplyContext, p: K8sPatchParams, changes: Change[], phase: 'apply' | 'restore'): Promise<void> {
  const ref = p.ref as KubeRef
  for (const c of changes) {
    const live = await ctx.kube.get(ref)
    if (!live) {
      throw new PatchFailed(TYPE, phase, `${describeRef(ref)} does not exist`, 'Create it first (k8s.apply) or fix ref; k8s.patch never creates objects')
    }
    if (phase === 'apply' && p.json) {
      refuseUnless(live, p, 'apply')
      await send(ctx, ref, p.json, phase)
      await ctx.applied([c.key])
      continue
    }
    // Every path the patch touches is written; null entries above them are parents to prune.
    const wanted = (c.after ?? {}) as PathValues
    const touched = touchedPointers(p)
    const parents = Object.keys(wanted).filter((k) => wanted[k] === null && !touched.includes(k))
    const pointers = [...new Set([...touched, ...Object.keys(wanted).filter((k) => !parents.includes(k))])]
    const ops = patchTo(live, pointers, wanted, parents)
    if (ops.length === 0) continue
    await send(ctx, ref, ops, phase)
    await ctx.applied([c.key])
  }
}

async function send(ctx: ApplyContext, ref: KubeRef, ops: unknown[], phase: 'apply' | 'restore'): Promise<void> {
  try {
    await ctx.kube.patch(ref, ops, 'json')
  } catch (e) {
    throw new PatchFailed(TYPE, phase, `patching ${describeRef(ref)} failed: ${messageOf(e)}`, 'Check the paths against the object (kubectl get -o yaml) and run again', e)
  }
}

/** Refuses a json patch that does not apply to `live` (RFC 6902), naming the path and what is there. */
function refuseUnless(live: unknown, p: K8sPatchParams, phase: 'observe' | 'apply'): void {
  const r = applyJsonPatch(live, p.json ?? [])
  if (!('problem' in r)) return
  throw new PatchCannotApply(TYPE, phase, `${describeRef(p.ref as KubeRef)}: ${r.problem}`,
    'Fix the path against the object (kubectl get -o yaml): replace, remove and test need the path, add needs its parent; use merge to create parents')
}
