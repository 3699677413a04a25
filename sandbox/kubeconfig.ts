/**
 * The kubeconfig the sandbox writes for kubectl and @kubernetes/client-node: cluster `sandbox`
 * at the sandbox URL over plain http, a user with a dummy bearer token, and context `sandbox`
 * (current). Context `prod-eks` points at the same server so a prod-shaped playbook can rehearse.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { stringify } from 'yaml'

export const SANDBOX_CONTEXT = 'sandbox'

export function kubeconfigYaml(url: string): string {
  const context = (name: string) => ({ name, context: { cluster: 'sandbox', user: 'sandbox', namespace: 'default' } })
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    // client-node refuses plain http unless TLS verification is explicitly off (kubectl does not care).
    clusters: [{ name: 'sandbox', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'sandbox', user: { token: 'sandbox-token' } }],
    contexts: [context(SANDBOX_CONTEXT), context('prod-eks')],
    'current-context': SANDBOX_CONTEXT,
  })
}

export async function writeKubeconfig(path: string, url: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  await writeFile(path, kubeconfigYaml(url), { mode: 0o600 })
}
