/**
 * Credentials written literally in a step's `with`: an HTTP header that carries one
 * (Authorization, a token, an API key), a `Bearer`/`Basic` value anywhere, or a member named like
 * a token or password. Such values belong in the environment, read with `${{ secrets.NAME }}`.
 */
import type { DocPath } from './problem.js'

const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key)$|token|secret|password|api[-_]?key/i
const CREDENTIAL_KEY = /^(token|bearerToken|password|apiKey|secret)$/i
const SCHEME_VALUE = /^(bearer|basic|token)\s+\S{8,}/i

/** True when the text takes its credential from `${{ secrets.NAME }}`. */
const fromSecrets = (s: string) => /\$\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_-]*\s*\}\}/.test(s)

/** Paths (under `prefix`) of literal credentials in a raw `with` value. */
export function literalCredentials(value: unknown, prefix: DocPath, parentKey?: string, key?: string): DocPath[] {
  if (typeof value === 'string') {
    if (value === '' || fromSecrets(value)) return []
    const header = parentKey !== undefined && /^headers$/i.test(parentKey) && key !== undefined && CREDENTIAL_HEADER.test(key)
    const named = key !== undefined && CREDENTIAL_KEY.test(key)
    return header || named || SCHEME_VALUE.test(value) ? [prefix] : []
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => literalCredentials(v, [...prefix, i], key))
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => literalCredentials(v, [...prefix, k], key, k))
  }
  return []
}
