/**
 * Secret values never leave the cluster. Item states of the k8s steps hold, in place of every
 * sensitive value (each member of a Secret's `data`, and each field a playbook lists under
 * `sensitive`), a mask with a short salted content hash: `*** (sha256:1a2b3c4d5e6f)`. Those
 * states are what the engine journals, emits and shows, so no output channel ever sees a value;
 * comparing masks is enough for idempotence and drift checks.
 *
 * What a rollback needs is kept in the cluster instead: before a step changes an existing object
 * with sensitive values, it copies them into a backup Secret in the same namespace, named after
 * the object and the run ({@link backupRef}), labelled and annotated for cleanup, and journals
 * only the backup's name and a hash (fact `k8s.secret-backup`). A restore reads the values back
 * from that backup, checks them against the journaled masks, and removes the backup once written.
 */
import { createHash } from 'node:crypto'
import type { ApplyContext } from '../../runner/contract.js'
import type { KubeObject, KubeRef } from '../../runner/clients/kube-types.js'
import { canonicalJson } from '../../runner/canonical.js'
import { StepError, messageOf } from '../step-error.js'
import { describeRef, isObject, refOfKey } from './objects.js'
import { escapeToken, lookup, parsePointer } from './pointer.js'

export const BACKUP_LABEL = 'switchover.dev/backup-of'
export const RUN_LABEL = 'switchover.dev/run'
const MASK_RE = /^\*\*\* \(sha256:[0-9a-f]{12}\)$/
const POINTER_KEY = 'switchover.pointer.'

/** The mask of one value: salted with the item key and the pointer, so equal values elsewhere do not match. */
export function maskOf(key: string, pointer: string, value: unknown): string {
  const h = createHash('sha256').update(`switchover\0${key}\0${pointer}\0${canonicalJson(value)}`).digest('hex')
  return `*** (sha256:${h.slice(0, 12)})`
}

export const isMasked = (v: unknown): v is string => typeof v === 'string' && MASK_RE.test(v)

/** Pointers of the sensitive values `obj` holds: a Secret's data and stringData members, and each of `extra` it has. */
export function sensitiveIn(obj: unknown, extra: readonly string[] = []): string[] {
  if (!isObject(obj)) return []
  const out: string[] = []
  if (obj.kind === 'Secret') {
    for (const field of ['data', 'stringData']) {
      const members = obj[field]
      if (isObject(members)) for (const k of Object.keys(members)) out.push(`/${field}/${escapeToken(k)}`)
    }
  }
  for (const p of extra) if (!out.includes(p) && lookup(obj, p).found) out.push(p)
  return out
}

/** `state` (a copy) with every sensitive value replaced by its mask; null stays null. */
export function maskState(key: string, state: unknown, extra: readonly string[] = []): unknown {
  if (!isObject(state)) return state
  let out: unknown = state
  for (const p of sensitiveIn(state, extra)) {
    const { value } = lookup(state, p)
    if (!isMasked(value)) out = setAt(out, p, maskOf(key, p, value))
  }
  return out
}

/** Pointers of the masked values in a state. */
export function maskedIn(state: unknown, prefix = ''): string[] {
  if (isMasked(state)) return [prefix]
  if (isObject(state)) return Object.entries(state).flatMap(([k, v]) => maskedIn(v, `${prefix}/${escapeToken(k)}`))
  if (Array.isArray(state)) return state.flatMap((v, i) => maskedIn(v, `${prefix}/${i}`))
  return []
}

/** A copy of `doc` with the value at `pointer` (which exists) replaced. */
function setAt(doc: unknown, pointer: string, value: unknown): unknown {
  const out = structuredClone(doc) as Record<string, unknown>
  const tokens = parsePointer(pointer)
  let node: Record<string, unknown> = out
  for (const t of tokens.slice(0, -1)) node = node[t] as Record<string, unknown>
  node[tokens[tokens.length - 1]] = value
  return out
}

/** The backup Secret of an object for a run: `<name>-switchover-<run>` (kind-prefixed unless a Secret), at most 253 characters. */
export function backupRef(runId: string, ref: KubeRef): KubeRef {
  if (!ref.namespace) throw new Error(`${describeRef(ref)} is cluster-scoped: sensitive values can only be backed up for namespaced objects`)
  const suffix = `-switchover-${runId.toLowerCase()}`
  const base = (ref.kind === 'Secret' ? ref.name : `${ref.kind.toLowerCase()}-${ref.name}`).slice(0, 253 - suffix.length).replace(/[.-]+$/, '')
  return { apiVersion: 'v1', kind: 'Secret', namespace: ref.namespace, name: base + suffix }
}

/** Where a backup keeps the value of `pointer`: a Secret's data member under its own key, anything else encoded. */
function backupKeyOf(pointer: string): string {
  const m = /^\/data\/([-._a-zA-Z0-9]+)$/.exec(pointer)
  return m ? m[1] : POINTER_KEY + Buffer.from(pointer).toString('base64url')
}

function backupValue(backup: KubeObject, pointer: string): { found: boolean; value?: unknown } {
  const data = (backup.data ?? {}) as Record<string, string>
  const k = backupKeyOf(pointer)
  if (!(k in data)) return { found: false }
  return k.startsWith(POINTER_KEY) ? { found: true, value: JSON.parse(Buffer.from(data[k], 'base64').toString('utf8')) } : { found: true, value: data[k] }
}

export class BackupFailed extends StepError {}
export class BackupMissing extends StepError {}

const digest = (data: unknown) => `sha256:${createHash('sha256').update(canonicalJson(data)).digest('hex').slice(0, 12)}`

/**
 * Makes sure the backup of item `key` for this run exists and holds the values that `before`
 * masks, then journals it (fact `k8s.secret-backup`). Idempotent: an existing backup (a resumed
 * run) is kept, never overwritten, and only checked. Call it before the write that changes the item.
 */
export async function ensureBackup(ctx: ApplyContext, stepType: string, key: string, before: unknown): Promise<void> {
  const pointers = maskedIn(before)
  if (pointers.length === 0) return
  const ref = refOfKey(key)
  if (!ctx.runId) throw new BackupFailed(stepType, 'apply', `no run id to name the backup of ${describeRef(ref)}`, 'Run the step through playbook run')
  const bref = backupRef(ctx.runId, ref)
  const where = `${bref.namespace}/${bref.name}`
  const mismatch = (what: KubeObject) => pointers.find((p) => {
    const v = what === live ? lookup(what, p) : backupValue(what, p)
    return !v.found || maskOf(key, p, v.value) !== lookup(before, p).value
  })
  const live = await ctx.kube.get(ref)
  let backup = await ctx.kube.get(bref)
  if (!backup) {
    if (!live || mismatch(live) !== undefined) {
      throw new BackupFailed(stepType, 'apply', `${describeRef(ref)} no longer holds the values journaled before the change, and no backup ${where} exists`, 'Someone changed it meanwhile: check it, then roll the run back with --force or start a new run')
    }
    const data: Record<string, string> = {}
    if (ref.kind === 'Secret') Object.assign(data, live.data ?? {})
    for (const p of pointers) {
      const k = backupKeyOf(p)
      if (!(k in data)) data[k] = k.startsWith(POINTER_KEY) ? Buffer.from(JSON.stringify(lookup(live, p).value)).toString('base64') : String(lookup(live, p).value)
    }
    const obj: KubeObject = {
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque', data,
      metadata: {
        name: bref.name, namespace: bref.namespace,
        labels: { [BACKUP_LABEL]: ref.name.slice(0, 63).replace(/[^-._a-zA-Z0-9]/g, '_').replace(/^[^a-zA-Z0-9]+|[^a-zA-Z0-9]+$/g, '') || 'object', [RUN_LABEL]: ctx.runId },
        annotations: {
          [BACKUP_LABEL]: describeRef(ref),
          'switchover.dev/type': String(live.type ?? ''),
          'switchover.dev/created-at': new Date(ctx.clock.now()).toISOString(),
        },
      },
    }
    try {
      backup = await ctx.kube.create(obj)
    } catch (e) {
      backup = await ctx.kube.get(bref).catch(() => null)
      if (!backup) throw new BackupFailed(stepType, 'apply', `cannot write the backup ${where} of ${describeRef(ref)}: ${messageOf(e)}`, 'Give the runner create rights on Secrets in that namespace and run again', e)
    }
  }
  if (mismatch(backup) !== undefined) {
    throw new BackupFailed(stepType, 'apply', `the backup ${where} does not hold the values journaled for ${describeRef(ref)}`, 'Check who changed the backup; delete it only if the object still holds its original values, then run again')
  }
  await ctx.fact('k8s.secret-backup', { object: describeRef(ref), backup: where, sha256: digest(backup.data) })
}

/**
 * `wanted` (a journaled, masked state) with its masked values read back from this run's backup,
 * each checked against its mask. A missing backup is an error naming it.
 */
export async function unmask(ctx: ApplyContext, stepType: string, key: string, wanted: unknown): Promise<unknown> {
  const pointers = maskedIn(wanted)
  if (pointers.length === 0) return wanted
  const ref = refOfKey(key)
  if (!ctx.runId) throw new BackupMissing(stepType, 'restore', `no run id to find the backup of ${describeRef(ref)}`, 'Roll back through playbook rollback')
  const bref = backupRef(ctx.runId, ref)
  const where = `Secret ${bref.namespace}/${bref.name}`
  const backup = await ctx.kube.get(bref)
  if (!backup) {
    throw new BackupMissing(stepType, 'restore', `the backup ${where} of ${describeRef(ref)} is missing, so its sensitive values cannot be restored`, `Restore ${describeRef(ref)} by hand (or recreate the backup), then rerun the rollback; --force does not help here`)
  }
  let out = wanted
  for (const p of pointers) {
    const v = backupValue(backup, p)
    if (!v.found || maskOf(key, p, v.value) !== lookup(wanted, p).value) {
      throw new BackupMissing(stepType, 'restore', `the backup ${where} does not hold the journaled value of ${p} of ${describeRef(ref)}`, 'Check who changed the backup, restore the object by hand, then rerun the rollback')
    }
    out = setAt(out, p, v.value)
  }
  return out
}

/** Removes this run's backup of `key` (after a restore); absent is fine. */
export async function dropBackup(ctx: ApplyContext, key: string): Promise<void> {
  if (ctx.runId) await ctx.kube.delete(backupRef(ctx.runId, refOfKey(key)))
}

/**
 * A summary suffix per changed path that holds a masked value: `(changed)`, `(added)` or `(removed)`,
 * so a plan says which keys change without showing any value.
 */
export function maskedStatus(path: string, before: unknown, after: unknown): string {
  const ptr = '/' + path.split('.').map(escapeToken).join('/')
  const b = before === null ? { found: false } : lookup(before, ptr)
  const a = after === null ? { found: false } : lookup(after, ptr)
  if (!isMasked(b.value) && !isMasked(a.value)) return path
  return `${path} (${!b.found ? 'added' : !a.found ? 'removed' : 'changed'})`
}
