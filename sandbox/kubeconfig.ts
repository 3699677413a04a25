/**
 * The kubeconfig the sandbox writes for kubectl and @kubernetes/client-node: cluster `sandbox`
 * at the sandbox URL over plain http, a user with a dummy bearer token, and context `sandbox`
 * (current). Context `prod-eks` points at the same server so a prod-shaped playbook can rehearse.
 * Every further cluster of the estate has its own cluster and context, named after it.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { stringify } from 'yaml'

export const SANDBOX_CONTEXT = 'sandbox'

/**
 * `clusters` names the estate's clusters: `default` is the one at the root (contexts `sandbox`,
 * `prod-eks` and its own name), each of `others` is served under `/clusters/<name>` with a
 * kubeconfig cluster and context of that name.
 */
export function kubeconfigYaml(url: string, clusters: { default?: string; others?: string[] } = {}): string {
  const context = (name: string, cluster = 'sandbox') => ({ name, context: { cluster, user: 'sandbox', namespace: 'default' } })
  const others = clusters.others ?? []
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    // client-node refuses plain http unless TLS verification is explicitly off (kubectl does not care).
    clusters: [
      { name: 'sandbox', cluster: { server: url, 'insecure-skip-tls-verify': true } },
      ...others.map((c) => ({ name: c, cluster: { server: `${url}/clusters/${c}`, 'insecure-skip-tls-verify': true } })),
    ],
    users: [{ name: 'sandbox', user: { token: 'sandbox-token' } }],
    contexts: [
      context(SANDBOX_CONTEXT),
      context('prod-eks'),
      ...(clusters.default !== undefined && clusters.default !== SANDBOX_CONTEXT && clusters.default !== 'prod-eks' ? [context(clusters.default)] : []),
      ...others.map((c) => context(c, c)),
    ],
    'current-context': SANDBOX_CONTEXT,
  })
}

export async function writeKubeconfig(path: string, url: string, clusters: { default?: string; others?: string[] } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  await writeFile(path, kubeconfigYaml(url, clusters), { mode: 0o600 })
}
