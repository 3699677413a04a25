/**
 * Regions and clusters. AWS resources live in the region a request is signed for (the SigV4
 * credential scope of its Authorization header), as on AWS: an ECS cluster, EventBridge rule or
 * Scheduler schedule of us-west-1 is invisible to a request signed for us-east-1. Route 53 is
 * global. Each Kubernetes cluster of the estate is its own API, served under
 * `/clusters/<name>/` (the default cluster at the root).
 *
 * Handlers and controllers stay single-region and single-cluster: they are handed a view of the
 * core whose estate holds that region's resources (or that cluster's objects) as the usual
 * fields, by reference, so whatever they change lands in the estate itself.
 */
import type { Estate, KubeStore, RegionalEstate } from './estate.js'
import type { Controller, SandboxCore, SandboxRequest } from './types.js'

/** `Credential=AKID/20260302/us-west-1/ecs/aws4_request` -> us-west-1. */
export function signedRegion(req: SandboxRequest): string | undefined {
  const auth = req.headers.authorization
  const m = typeof auth === 'string' ? /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/[^/,\s]+\/aws4_request/.exec(auth) : null
  return m?.[1]
}

const emptyRegion = (): RegionalEstate => ({ ecs: { clusters: [] }, events: { rules: [] }, scheduler: { groups: ['default'], schedules: [] } })

/**
 * The core as a request signed for `region` sees it. A region the estate has no resources in is
 * empty (as a fresh region of an account is); it is added to the estate on the first write.
 */
export function regionView(core: SandboxCore, region: string | undefined, opts: { write?: boolean } = {}): SandboxCore {
  if (region === undefined || region === core.estate.region) return core
  let transient: RegionalEstate | undefined
  const regional = (e: Estate): RegionalEstate => {
    const stored = e.regions?.[region]
    if (stored) return stored
    if (!opts.write) return (transient ??= emptyRegion())
    e.regions ??= {}
    return (e.regions[region] = emptyRegion())
  }
  return view(core, (e) => ({ ...e, region, ...regional(e) }), () => core.nextResourceVersion())
}

/** The core as the API of cluster `name` sees it; undefined when the estate has no such cluster. */
export function clusterView(core: SandboxCore, name: string): SandboxCore | undefined {
  if (name === core.estate.cluster) return core
  if (!core.estate.clusters || !Object.hasOwn(core.estate.clusters, name)) return undefined
  const store = (e: Estate): KubeStore => e.clusters![name]!
  return view(core, (e) => ({ ...e, kubernetes: store(e) }), () => {
    const s = store(core.estate)
    s.resourceVersion += 1
    return String(s.resourceVersion)
  })
}

function view(core: SandboxCore, estate: (e: Estate) => Estate, nextResourceVersion: () => string): SandboxCore {
  return {
    // Computed on each access: a reset swaps the whole estate.
    get estate() {
      return estate(core.estate)
    },
    time: core.time,
    config: core.config,
    nextResourceVersion,
  }
}

/** The default core and a view per further region of the estate. */
export function regionViews(core: SandboxCore): SandboxCore[] {
  return [core, ...Object.keys(core.estate.regions ?? {}).map((r) => regionView(core, r))]
}

/** The default core and a view per further cluster of the estate. */
export function clusterViews(core: SandboxCore): SandboxCore[] {
  return [core, ...Object.keys(core.estate.clusters ?? {}).map((c) => clusterView(core, c)!)]
}

/**
 * A controller run over several views (every region, or every cluster): its next event is the
 * earliest of any view's, and at `t` it runs in each view that has something due at `t`.
 */
export function acrossViews(c: Controller, views: (core: SandboxCore) => SandboxCore[]): Controller {
  return {
    name: c.name,
    nextEventAfter(after, sb) {
      const all = views(sb)
      if (all.length === 1) return c.nextEventAfter(after, sb)
      let next: number | null = null
      for (const v of all) {
        const n = c.nextEventAfter(after, v)
        if (n !== null && (next === null || n < next)) next = n
      }
      return next
    },
    runAt(t, sb) {
      const all = views(sb)
      // One region (or cluster): exactly as before.
      if (all.length === 1) return c.runAt(t, sb)
      for (const v of all) if (c.nextEventAfter(t - 1, v) === t) c.runAt(t, v)
    },
  }
}

/** `/clusters/<name>/api/v1/...` -> the cluster's name and the path its API sees. */
export function clusterPath(pathname: string): { cluster: string; path: string } | undefined {
  const m = /^\/clusters\/([a-z][a-z0-9-]*)(\/.*)?$/.exec(pathname)
  return m ? { cluster: m[1]!, path: m[2] ?? '/' } : undefined
}
