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


/** The environment of {@link patchPlaybook}: the base64 forms, as a Secret's data holds them. */
export const PATCH_ENV = { DB_USER: b64('orders-reader'), DB_PASSWORD: b64('new-db-password-7f3k'), DB_TOKEN: b64('created-token-91xq') }

/**
 * A k8s.patch of the seeded Secret shop/orders-db: tests the username, changes the password, adds
 * a token and removes `extra`, every value read from the environment.
 */
export const patchPlaybook = `version: 1
name: secrets-patch
steps:
  - id: rotate
    type: k8s.patch
    with:
      ref: { apiVersion: v1, kind: Secret, namespace: shop, name: orders-db }
      json:
        - { op: test, path: /data/username, value: "\${{ secrets.DB_USER }}" }
        - { op: replace, path: /data/password, value: "\${{ secrets.DB_PASSWORD }}" }
        - { op: add, path: /data/token, value: "\${{ secrets.DB_TOKEN }}" }
        - { op: remove, path: /data/extra }
`
