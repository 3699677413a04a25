/**
 * The Kubernetes access a step receives: a small adapter over @kubernetes/client-node's
 * KubernetesObjectApi (runner/clients/kube.ts), imported lazily by the runner.
 * In plan mode every write must carry `dryRun: true`, or it throws ReadOnlyViolation.
 */
export type KubeObject = {
  apiVersion: string
  kind: string
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
    resourceVersion?: string
    uid?: string
    generation?: number
    creationTimestamp?: string
    managedFields?: unknown[]
    [k: string]: unknown
  }
  [k: string]: unknown
}

/** Identifies one object. `namespace` absent for cluster-scoped kinds. */
export type KubeRef = { apiVersion: string; kind: string; namespace?: string; name: string }

export type WriteOptions = {
  dryRun?: boolean
  /** Write the object's status subresource instead (patch only), as `kubectl --subresource=status`. */
  subresource?: 'status'
}

export interface KubeApi {
  /** The object, or null when it does not exist (404). */
  get(ref: KubeRef): Promise<KubeObject | null>
  list(apiVersion: string, kind: string, opts?: { namespace?: string; labelSelector?: string }): Promise<KubeObject[]>
  /** Server-side apply with the runner's field manager; `force` takes over conflicting fields. */
  apply(obj: KubeObject, opts?: WriteOptions & { force?: boolean }): Promise<KubeObject>
  create(obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>
  /** Full replace; `obj.metadata.resourceVersion` makes it conditional (409 on conflict). */
  replace(obj: KubeObject, opts?: WriteOptions): Promise<KubeObject>
  patch(ref: KubeRef, patch: unknown, type: 'merge' | 'json' | 'strategic', opts?: WriteOptions): Promise<KubeObject>
  /** Resolves when deleted or already absent. */
  delete(ref: KubeRef, opts?: WriteOptions): Promise<void>
}

/** Canonical key of an object: `apiVersion/Kind/namespace/name` (namespace `_` when cluster-scoped). */
export function kubeKey(ref: KubeRef): string {
  return `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? '_'}/${ref.name}`
}
