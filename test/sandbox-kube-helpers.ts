/** Shared setup of the Kubernetes sandbox tests: a sandbox serving only Kubernetes, real clients. */
import * as k8s from '@kubernetes/client-node'
import { referenceEstate } from '../fixtures/generate.js'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'
import { kubernetesControllers, kubernetesHandler } from '../sandbox/kubernetes/index.js'
import type { SandboxConfig } from '../sandbox/types.js'

export type KubeSandbox = {
  sb: RunningSandbox
  kc: k8s.KubeConfig
  objects: k8s.KubernetesObjectApi
  apps: k8s.AppsV1Api
  batch: k8s.BatchV1Api
  core: k8s.CoreV1Api
}

export async function startKubeSandbox(config: Partial<SandboxConfig> = {}): Promise<KubeSandbox> {
  const sb = await startSandbox({ estate: referenceEstate(), handlers: [kubernetesHandler], controllers: kubernetesControllers, config })
  const kc = loadKubeConfig(sb.kubeconfigPath)
  return {
    sb,
    kc,
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    core: kc.makeApiClient(k8s.CoreV1Api),
  }
}

/**
 * The generated kubeconfig, as the client loads it. @kubernetes/client-node 1.x refuses a plain
 * http server unless the cluster says `insecure-skip-tls-verify: true`; when the generated file
 * does not say so yet, it is added here (kubectl needs nothing).
 */
export function loadKubeConfig(path: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig()
  kc.loadFromFile(path)
  if (kc.clusters.every((c) => c.skipTLSVerify)) return kc
  const fixed = new k8s.KubeConfig()
  fixed.loadFromOptions({
    clusters: kc.clusters.map((c) => ({ ...c, skipTLSVerify: true })),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  })
  return fixed
}

/** The Status body of a failed call (the client hands it over parsed or as text). */
export async function statusOf(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string; [k: string]: unknown }> {
  try {
    await p
  } catch (err) {
    const e = err as { code?: number; body?: unknown }
    if (typeof e.code !== 'number') throw err
    return (typeof e.body === 'string' ? JSON.parse(e.body) : e.body) as { code: number; reason: string; message: string }
  }
  throw new Error('expected the call to fail')
}

export const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
export const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch)
export const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch)

export function deployment(name: string, namespace = 'shop', replicas = 2): k8s.V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name, tier: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: `${name}:1` }] } },
    },
  }
}

export function cronJob(name: string, schedule: string, spec: Partial<k8s.V1CronJobSpec> = {}, annotations?: Record<string, string>): k8s.V1CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) },
    spec: {
      schedule,
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'job:1' }] } } } },
      ...spec,
    },
  }
}

export const HOUR = 3_600_000
export const MINUTE = 60_000
