/**
 * Defence in depth for secrets, behind the masking at the source (steps/kube/secrets.ts):
 * - {@link redactText} replaces every credential value the playbook resolved from
 *   `${{ secrets.NAME }}` (and its base64) by `***` in any text; the CLI passes all of its output
 *   (stdout, stderr, the HTML report) through it.
 * - {@link maskSecretObjects} masks the data and stringData values of anything shaped like a
 *   Kubernetes Secret that still holds values, wherever it sits in an event or a journal entry.
 * The set of known values is process-wide: one CLI invocation, one playbook's secrets.
 */
import { createHash } from 'node:crypto'

const known = new Set<string>()

/** Remember a resolved credential so that no output shows it (values shorter than 4 characters are too common to replace). */
export function addSecretValue(value: string): void {
  if (value.length < 4) return
  known.add(value)
  known.add(Buffer.from(value).toString('base64'))
}

/** `text` with every known credential value replaced by `***`. */
export function redactText(text: string): string {
  let out = text
  for (const v of known) if (out.includes(v)) out = out.split(v).join('***')
  return out
}

const MASKED = /^\*\*\* \(sha256:[0-9a-f]{12}\)$/

/** A copy of `value` in which every Secret-shaped object's data/stringData values are masks. */
export function maskSecretObjects<T>(value: T): T {
  return walk(value) as T
}

function walk(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(walk)
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, walk(x)]))
  if (typeof v !== 'object' || v === null) return v
  const o = v as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(o)) out[k] = walk(x)
  if (o.kind === 'Secret') {
    for (const field of ['data', 'stringData']) {
      const members = out[field]
      if (typeof members !== 'object' || members === null || Array.isArray(members)) continue
      const masked: Record<string, unknown> = {}
      for (const [k, x] of Object.entries(members)) {
        masked[k] = typeof x === 'string' && MASKED.test(x) ? x : `*** (sha256:${createHash('sha256').update(String(x)).digest('hex').slice(0, 12)})`
      }
      out[field] = masked
    }
  }
  return out
}
