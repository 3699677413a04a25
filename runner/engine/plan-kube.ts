/**
 * The plan-mode Kubernetes layer. A plan (and a run's preflight) never writes, so objects an
 * earlier step would create or change do not exist yet when a later step reads. This layer keeps
 * the server's answers to the dry-run writes a step made while it was planned (`dryRun=All`: the
 * object exactly as that write would leave it) and, once the step is planned with changes, shows
 * them to the reads of later steps: `get` returns the planned object, `list` adds it (or drops it,
 * for a planned delete) where it matches. Steps read through it unaware.
 */
import type { KubeApi, KubeObject, KubeRef, WriteOptions } from '../clients/kube-types.js'
import { kubeKey } from '../clients/kube-types.js'
import { labelMatcher } from '../clients/label-selector.js'
import { byCodeUnits } from '../canonical.js'

const refOf = (o: KubeObject): KubeRef => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) })
const copy = <T>(v: T): T => structuredClone(v)

export class PlannedObjects {
  /** By kubeKey: the object as the planned steps leave it; null when they delete it. */
  private readonly planned = new Map<string, KubeObject | null>()
  private pending = new Map<string, KubeObject | null>()

  /** The dry-run answers of the step planned last become visible to the steps after it. */
  commit(): void {
    for (const [k, v] of this.pending) this.planned.set(k, v)
    this.pending = new Map()
  }

  /** The step planned last changes nothing (or could not be planned): forget its dry runs. */
  discard(): void {
    this.pending = new Map()
  }

  wrap(inner: KubeApi): KubeApi {
    const dry = async <T extends KubeObject | void>(opts: WriteOptions | undefined, ref: KubeRef | undefined, call: () => Promise<T>): Promise<T> => {
      const answer = await call()
      if (opts?.dryRun && !opts.subresource) {
        if (answer) this.pending.set(kubeKey(refOf(answer as KubeObject)), copy(answer as KubeObject))
        else if (ref) this.pending.set(kubeKey(ref), null)
      }
      return answer
    }
    return {
      get: async (ref) => {
        const k = kubeKey(ref)
        return this.planned.has(k) ? copy(this.planned.get(k) ?? null) : inner.get(ref)
      },
      list: async (apiVersion, kind, opts = {}) => {
        const live = await inner.list(apiVersion, kind, opts)
        const matches = labelMatcher(opts.labelSelector)
        const inScope = (o: KubeObject) => (opts.namespace === undefined || o.metadata.namespace === opts.namespace) && matches(o.metadata.labels ?? {})
        const keyOf = (o: KubeObject) => kubeKey({ ...refOf(o), apiVersion, kind })
        const out = live.filter((o) => !this.planned.has(keyOf(o)))
        for (const o of this.planned.values()) if (o && o.apiVersion === apiVersion && o.kind === kind && inScope(o)) out.push(copy(o))
        return out.sort((a, b) => byCodeUnits(`${a.metadata.namespace ?? ''}/${a.metadata.name}`, `${b.metadata.namespace ?? ''}/${b.metadata.name}`))
      },
      apply: (obj, opts) => dry(opts, undefined, () => inner.apply(obj, opts)),
      create: (obj, opts) => dry(opts, undefined, () => inner.create(obj, opts)),
      replace: (obj, opts) => dry(opts, undefined, () => inner.replace(obj, opts)),
      patch: (ref, body, type, opts) => dry(opts, undefined, () => inner.patch(ref, body, type, opts)),
      delete: (ref, opts) => dry(opts, ref, () => inner.delete(ref, opts)),
    }
  }
}
