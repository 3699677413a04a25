/**
 * Where a command keeps its journal and lock: a local directory (`--state-dir`, the default) or
 * an S3 prefix (`--state s3://BUCKET/PREFIX`, else PLAYBOOK_STATE, else the playbook's `state:`
 * for the environment). A malformed address is a usage error (exit 2) before anything is called.
 */
import { UsageError } from '../errors.js'

export type StateLocation = { bucket: string; prefix: string }

/** `s3://BUCKET/PREFIX` as bucket and prefix (no leading or trailing slash); `where` names the source. */
export function parseStateUrl(text: string, where: string): StateLocation {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(text.trim())
  if (!m) throw new UsageError(`${where}: ${JSON.stringify(text)} is not a state address; expected s3://BUCKET/PREFIX (or use --state-dir for a local directory)`)
  const bucket = m[1]
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new UsageError(`${where}: ${JSON.stringify(bucket)} is not a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)`)
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '')
  if (prefix.split('/').some((p) => p === '.' || p === '..') || /\/\//.test(prefix)) throw new UsageError(`${where}: the prefix ${JSON.stringify(prefix)} has an empty, . or .. segment`)
  return { bucket, prefix }
}

/** The first given of flag, environment variable and playbook value, parsed; undefined: local. */
export function chooseState(sources: { flag?: string; env?: string; playbook?: string }): StateLocation | undefined {
  if (sources.flag) return parseStateUrl(sources.flag, '--state')
  if (sources.env) return parseStateUrl(sources.env, 'PLAYBOOK_STATE')
  if (sources.playbook) return parseStateUrl(sources.playbook, 'the playbook\'s state:')
  return undefined
}
