/**
 * Where a kind lives on one cluster's API: built-in kinds from the fixed table (kube-builtins.ts),
 * anything else from the server's discovery document of its group version (the APIResourceList
 * at `/apis/<group>/<version>`), fetched once per cluster and group version and shared by every
 * client given the same KubeDiscovery: the command's edge (runner/cli/environment.ts) gives one
 * to all its clients, so the read-only client of a preflight and the client of the run ask once
 * between them.
 *
 * A kind missing from a cached list is asked for again (a CustomResourceDefinition created since
 * serves a new kind); a failed fetch is not cached.
 */
import { builtinResource, type ResourcePath } from './kube-builtins.js'

export type { ResourcePath } from './kube-builtins.js'

/** GET of a group version's APIResourceList. */
export type FetchResourceList = (apiVersion: string) => Promise<{ resources?: ResourcePath[] }>

export class KubeDiscovery {
  private readonly lists = new Map<string, Promise<ResourcePath[]>>()
  private fetchedV = 0

  /** Discovery documents fetched so far. */
  get fetched(): number {
    return this.fetchedV
  }

  /**
   * The resource of `kind` in `apiVersion` on the cluster whose API server is `cluster` (its URL),
   * or undefined when the server does not serve it.
   */
  async resource(cluster: string, apiVersion: string, kind: string, fetch: FetchResourceList): Promise<ResourcePath | undefined> {
    const builtin = builtinResource(apiVersion, kind)
    if (builtin) return builtin
    const key = `${cluster} ${apiVersion}`
    const cached = this.lists.get(key)
    if (cached) {
      const hit = (await cached.catch(() => [])).find((r) => r.kind === kind)
      if (hit) return hit
    }
    this.fetchedV++
    // Subresources (`deployments/status`) share their parent's kind: only top-level resources name a path.
    const p = fetch(apiVersion).then((l) => (l.resources ?? []).filter((r) => !r.name.includes('/')))
    this.lists.set(key, p)
    try {
      return (await p).find((r) => r.kind === kind)
    } catch (e) {
      if (this.lists.get(key) === p) this.lists.delete(key)
      throw e
    }
  }
}

