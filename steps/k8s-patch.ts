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
 *
 * Secrets (see kube/secret-paths.ts): in a core/v1 Secret every value under /data, and anywhere
 * the values at the pointers listed as `sensitive`, are masks in the item states, so in the
 * journal and every output. Before the first write, an existing object whose touched paths hold
 * such values is copied into its backup Secret (kube/secrets.ts, as k8s.apply does); a restore
 * reads them back from it, hash-checked, and removes it. Since `with` is journaled as written,
 * validate refuses such values unless read with `${{ secrets.NAME }}` ({@link k8sPatch.literalSecrets}),
 * and refuses stringData, which the API server moves into data, so that no rerun or rollback
 * would find it again.
 */
import * as z from 'zod'
import type { ApplyContext, Change, Observed, StepContext, StepType } from '../runner/contract.js'
import type { KubeRef } from '../runner/clients/kube-types.js'
import { sameState } from '../runner/canonical.js'
import { describeRef, itemKey } from './kube/objects.js'
import { applyJsonPatch } from './kube/json-patch.js'
import { covers, lookup, mergeLeaves, parsePointer, patchTo, valuesAt, type PathValues } from './kube/pointer.js'
import { isCoreSecret, literalSensitive, maskPaths, pathsOf, sensitivity, sparseOf, type Sensitivity } from './kube/secret-paths.js'
import { dropBackup, ensureBackup, maskedIn, unmask } from './kube/secrets.js'
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
    /**
     * JSON pointers of fields to treat like Secret data (e.g. /spec/template/spec/containers/0/env/0/value):
     * masked in every output, backed up in the cluster before a change, values only from `${{ secrets.NAME }}`.
     */
    sensitive: z.array(pointer).default([]),
  })
  .strict()
  .refine((p) => (p.merge ? 1 : 0) + (p.json ? 1 : 0) === 1, 'give either merge (a JSON merge patch) or json (JSON patch operations), not both')
  .superRefine((p, ctx) => {
    if (!isCoreSecret(p.ref as KubeRef)) return
    const stringData = (ptr: string) => covers('/stringData', ptr)
    const message = 'stringData is write-only (the API server moves it into data), so no rerun or rollback could find it again: patch /data/<key> with the base64 value, read with ${{ secrets.NAME }}'
    p.json?.forEach((op, i) => stringData(op.path) && ctx.addIssue({ code: 'custom', path: ['json', i, 'path'], message }))
    if (p.merge && Object.hasOwn(p.merge, 'stringData')) ctx.addIssue({ code: 'custom', path: ['merge', 'stringData'], message })
  })

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
    'paths that were absent. In a Secret (and at the pointers listed in sensitive) values are journaled and shown as masks ' +
    'with a short salted hash, must be read with ${{ secrets.NAME }}, and are backed up in a Secret of the same namespace ' +
    'before the patch; rollback restores them from it. stringData cannot be patched (write-only): patch /data.',
  params: k8sPatchParams,

  literalSecrets(withValue) {
    const r = k8sPatchParams.safeParse(withValue)
    if (!r.success) return []
    const isSensitive = sensitivity(r.data.ref as KubeRef, r.data.sensitive)
    const message = 'a Secret value written literally would be journaled with the step: read it from the environment with ${{ secrets.NAME }} (the variable NAME; under /data, the base64 value)'
    const at = (prefix: Array<string | number>, ptr: string, value: unknown) => literalSensitive(ptr, value, isSensitive).map((path) => ({ path: [...prefix, ...path], message }))
    if (r.data.merge) return mergeLeaves(r.data.merge).flatMap(([ptr, value]) => at(['merge', ...parsePointer(ptr)], ptr, value))
    return (r.data.json ?? []).flatMap((op, i) => ('value' in op ? at(['json', i, 'value'], op.path, op.value) : []))
  },

  async observe(ctx: StepContext, p: K8sPatchParams, keys?: string[]): Promise<Observed> {
    const ref = p.ref as KubeRef
    const key = itemKey(ref)
    const isSensitive = sensitivity(ref, p.sensitive)
    const live = await ctx.kube.get(ref)
    const now = live ? valuesAt(live, touchedPointers(p)) : null
    // Forward mode only: a restore writes journaled values, whatever the operations say.
    if (!keys && live && p.json && !sameState(now, desiredState(p, now))) refuseUnless(live, p, 'observe', key, isSensitive)
    return { [key]: maskPaths(key, now, isSensitive) }
  },

  diff(p: K8sPatchParams, now: Observed): Change[] {
    const key = itemKey(p.ref as KubeRef)
    const before = (now[key] ?? null) as PathValues | null
    const after = maskPaths(key, desiredState(p, before), sensitivity(p.ref as KubeRef, p.sensitive)) as PathValues
    if (sameState(before, after)) return []
    return [{ key, before, after, summary: `patch ${describeRef(p.ref as KubeRef)}: ${summarize(before, after).join(', ')}` }]
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
    // The values the patch overwrites or removes go into the cluster's backup before the first write.
    if (phase === 'apply') await ensureBackup(ctx, TYPE, c.key, sparseOf(c.before as PathValues | null))
    if (phase === 'apply' && p.json) {
      refuseUnless(live, p, 'apply', c.key, sensitivity(ref, p.sensitive))
      await send(ctx, ref, p.json, phase)
      await ctx.applied([c.key])
      continue
    }
    // Forward, the values come from the params (the change's states hold masks, and desiredState
    // reads only which paths were absent); in a restore, masked values come back from the backup.
    const journaled = (c.after ?? {}) as PathValues
    const restoresMasked = phase === 'restore' && maskedIn(sparseOf(journaled)).length > 0
    const wanted = phase === 'apply' ? desiredState(p, c.before as PathValues | null) : restoresMasked ? pathsOf(journaled, await unmask(ctx, TYPE, c.key, sparseOf(journaled))) : journaled
    // Every path the patch touches is written; null entries above them are parents to prune.
    const touched = touchedPointers(p)
    const parents = Object.keys(wanted).filter((k) => wanted[k] === null && !touched.includes(k))
    const pointers = [...new Set([...touched, ...Object.keys(wanted).filter((k) => !parents.includes(k))])]
    const ops = patchTo(live, pointers, wanted, parents)
    if (ops.length > 0) {
      await send(ctx, ref, ops, phase)
      await ctx.applied([c.key])
    }
    // The values are back in place: this run's backup of them has done its work.
    if (restoresMasked) await dropBackup(ctx, c.key)
  }
}

/**
 * The touched paths for a summary; those holding sensitive values as the masked values they
 * hold, each `(added)`, `(removed)` or `(changed)`, so a plan says which keys change and shows no value.
 */
function summarize(before: PathValues | null, after: PathValues): string[] {
  const pointers = [...new Set([...Object.keys(after), ...Object.keys(before ?? {})])]
  return pointers.flatMap((ptr) => {
    const b = sparseOf({ [ptr]: before?.[ptr] ?? null })
    const a = sparseOf({ [ptr]: after[ptr] ?? null })
    const masked = [...new Set([...maskedIn(b), ...maskedIn(a)])].sort()
    const shown = masked.flatMap((q) => {
      const x = lookup(b, q)
      const y = lookup(a, q)
      if (x.found && y.found && x.value === y.value) return []
      return [`${q} (${!x.found ? 'added' : !y.found ? 'removed' : 'changed'})`]
    })
    return shown.length > 0 ? shown : [ptr]
  })
}

async function send(ctx: ApplyContext, ref: KubeRef, ops: unknown[], phase: 'apply' | 'restore'): Promise<void> {
  try {
    await ctx.kube.patch(ref, ops, 'json')
  } catch (e) {
    throw new PatchFailed(TYPE, phase, `patching ${describeRef(ref)} failed: ${messageOf(e)}`, 'Check the paths against the object (kubectl get -o yaml) and run again', e)
  }
}

/** Refuses a json patch that does not apply to `live` (RFC 6902), naming the path and what is there (sensitive values masked). */
function refuseUnless(live: unknown, p: K8sPatchParams, phase: 'observe' | 'apply', key: string, isSensitive: Sensitivity): void {
  const show = (ptr: string, v: unknown) => JSON.stringify(maskPaths(key, { [ptr]: v ?? null }, isSensitive)?.[ptr] ?? null)
  const r = applyJsonPatch(live, p.json ?? [], show)
  if (!('problem' in r)) return
  throw new PatchCannotApply(TYPE, phase, `${describeRef(p.ref as KubeRef)}: ${r.problem}`,
    'Fix the path against the object (kubectl get -o yaml): replace, remove and test need the path, add needs its parent; use merge to create parents')
}
