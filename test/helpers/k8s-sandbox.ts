/**
 * Setup of the Kubernetes step tests: the whole sandbox (so the ECS launcher and the CronJob
 * controller share one ledger and one virtual clock), the real Kubernetes client through
 * createKubeApi, and a step harness whose waits advance the sandbox's clock.
 */
import { fileURLToPath } from 'node:url'
import { referenceEstate } from '../../fixtures/generate.js'
import { createKubeApi, type CountedKubeApi } from '../../runner/clients/kube.js'
import { createStepFiles } from '../../runner/clients/files.js'
import type { Fact } from '../../runner/contract.js'
import { startSandbox, type RunningSandbox } from '../../sandbox/index.js'
import type { SandboxConfig } from '../../sandbox/types.js'
import { harness, type Harness } from './step-harness.js'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
/** The reference services (a directory) and, applied with them, the prod CronJobs. */
export const SHOP_DIR = 'fixtures/manifests/shop'
export const SHOP = [SHOP_DIR, 'fixtures/manifests/cronjobs/prod.yaml']

export type K8sWorld = {
  sb: RunningSandbox
  kube: CountedKubeApi
  /** A fresh harness (facts as given) on the sandbox clock with the real client. */
  h(facts?: Fact[], kube?: CountedKubeApi): Harness
  /** A read-only client, as plan gets. */
  readOnly(): Promise<CountedKubeApi>
  /** Mutating calls served since `from` (an index into sb.calls()). */
  mutatingSince(from: number): string[]
  /** Move the sandbox clock to an ISO time (forward only). */
  advanceTo(iso: string): Promise<void>
}

export async function startK8sWorld(config: Partial<SandboxConfig> = {}): Promise<K8sWorld> {
  const sb = await startSandbox({ estate: referenceEstate(), config })
  const kube = await createKubeApi({ kubeconfigPath: sb.kubeconfigPath })
  const files = createStepFiles(repoRoot)
  return {
    sb,
    kube,
    h: (facts = [], k = kube) => harness({ kube: k, clock: sb.clock, files, facts, stepId: 'k8s' }),
    readOnly: () => createKubeApi({ kubeconfigPath: sb.kubeconfigPath, readOnly: true }),
    mutatingSince: (from) => sb.calls().slice(from).filter((c) => c.mutating).map((c) => `${c.service} ${c.operation}`),
    advanceTo: async (iso) => {
      const ms = Date.parse(iso) - sb.clock.now()
      if (ms < 0) throw new Error(`clock is already past ${iso}`)
      await sb.clock.sleep(ms)
    },
  }
}

/** An object without what the server manages on its own, for exact before/after comparisons. */
export function userView(obj: unknown): unknown {
  if (!obj) return obj
  const o = structuredClone(obj) as Record<string, any>
  delete o.status
  for (const k of ['resourceVersion', 'generation', 'managedFields']) delete o.metadata[k]
  return o
}
