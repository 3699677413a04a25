/** The Secret values of the secrets tests and their playbook (k8s.apply of fixtures/manifests/secrets). */
export const b64 = (s: string) => Buffer.from(s).toString('base64')
/** Every clear value in play: the seeded Secret's, the manifests', and a header credential. */
export const CLEAR = ['old-db-password-2m9z', 'untouched-value-5p', 'new-db-password-7f3k', 'created-token-91xq', 'orders-reader']
export const SEEDED = { username: b64('orders-reader'), password: b64('old-db-password-2m9z'), extra: b64('untouched-value-5p') }

export const secretsPlaybook = (manifests: string) => `version: 1
name: secrets-demo
steps:
  - id: deploy
    type: k8s.apply
    with: { path: ${JSON.stringify(manifests)}, wait: false }
`

