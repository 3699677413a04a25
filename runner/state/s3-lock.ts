/**
 * The lock on S3: `<prefix>/lock`, created with `If-None-Match: *` so exactly one run gets it,
 * naming its holder (lock id, user, host, pid, run id, command, started, last heartbeat, lease).
 * While the run lives the heartbeat rewrites it every `heartbeatMs` with `If-Match` on the ETag it
 * last wrote, so it never overwrites a lock someone else took after an unlock. A second run gets
 * {@link StateLockedError} (exit 4) naming the holder and the heartbeat's age; a lock whose
 * heartbeat is older than its lease is reported as stale and is broken only by
 * `playbook unlock LOCK-ID` ({@link unlockState}), never silently.
 */
import { randomUUID } from 'node:crypto'
import { hostname, userInfo } from 'node:os'
import type { Emit } from '../events.js'
import { LockedError, type Lock } from '../lock.js'
import { UsageError } from '../errors.js'
import { ConditionalConflict, PreconditionFailed, type ObjectStore } from './object-store.js'

export const LOCK_KEY = 'lock.json'

/** What the lock object says. Times are wall-clock ISO strings (they compare across machines). */
export type S3LockHolder = {
  lockId: string
  user: string
  host: string
  pid: number
  runId: string
  command: string
  started: string
  heartbeat: string
  leaseSeconds: number
}

export type S3LockOptions = {
  /** The command line, for the holder record (e.g. `run playbooks/switchover.yaml --env prod`). */
  command: string
  heartbeatMs?: number
  leaseMs?: number
  now?: () => number
  user?: string
  host?: string
}

export const DEFAULT_HEARTBEAT_MS = 10_000
export const DEFAULT_LEASE_MS = 60_000

const ageSeconds = (h: S3LockHolder, now: number) => Math.max(0, Math.round((now - Date.parse(h.heartbeat)) / 1000))
export const isStale = (h: S3LockHolder, now: number) => now - Date.parse(h.heartbeat) > h.leaseSeconds * 1000

/** The state is locked by another run; `stale` when its heartbeat is older than its lease. */
export class StateLockedError extends LockedError {
  constructor(readonly s3Holder: S3LockHolder, readonly stale: boolean, url: string, now: number) {
    super(undefined, url)
    const h = s3Holder
    const who = `locked by run ${h.runId} (${h.command}) of ${h.user} on host ${h.host}, pid ${h.pid}, since ${h.started}; lock id ${h.lockId} at ${url}`
    this.message = stale
      ? `${who}: STALE, last heartbeat ${ageSeconds(h, now)} s ago, older than its ${h.leaseSeconds} s lease; if that run is gone, break the lock with \`playbook unlock ${h.lockId}\` (same --state) and resume or roll back run ${h.runId}`
      : `${who}; last heartbeat ${ageSeconds(h, now)} s ago (lease ${h.leaseSeconds} s): wait for it to finish`
  }
}

/** The lock object is there but is not a lock record. */
export class UnreadableLock extends LockedError {
  constructor(url: string) {
    super(undefined, url)
    this.message = `locked: ${url} exists but is not a lock record; if no run is active, delete it (aws s3 rm ${url}) and retry`
  }
}

function parseHolder(body: string): S3LockHolder | undefined {
  try {
    const h = JSON.parse(body) as S3LockHolder
    return typeof h.lockId === 'string' && typeof h.heartbeat === 'string' && typeof h.leaseSeconds === 'number' ? h : undefined
  } catch {
    return undefined
  }
}

export async function acquireS3Lock(store: ObjectStore, emit: Emit, opts: S3LockOptions): Promise<Lock> {
  const now = opts.now ?? Date.now
  const heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS
  const iso = () => new Date(now()).toISOString()
  const holder: S3LockHolder = {
    lockId: randomUUID(),
    user: opts.user ?? safeUser(),
    host: opts.host ?? hostname(),
    pid: process.pid,
    runId: '(starting)',
    command: opts.command,
    started: iso(),
    heartbeat: iso(),
    leaseSeconds: Math.round((opts.leaseMs ?? DEFAULT_LEASE_MS) / 1000),
  }
  const url = store.urlOf(LOCK_KEY)
  let etag = ''
  for (let attempt = 1; ; attempt++) {
    try {
      etag = (await store.put(LOCK_KEY, JSON.stringify(holder) + '\n', { ifNoneMatch: true })).etag
      break
    } catch (e) {
      if (e instanceof ConditionalConflict && attempt < 4) continue // someone else is taking it right now: look again
      if (!(e instanceof PreconditionFailed) && !(e instanceof ConditionalConflict)) throw e
      const current = await store.get(LOCK_KEY)
      if (!current) {
        if (attempt < 4) continue // released in between
        throw e
      }
      const other = parseHolder(current.body)
      if (!other) throw new UnreadableLock(url)
      throw new StateLockedError(other, isStale(other, now()), url, now())
    }
  }
  let released = false
  let lost = false
  let chain: Promise<void> = Promise.resolve()
  // Heartbeats and run-id updates go one at a time, each with the ETag the previous one got.
  const rewrite = () => {
    chain = chain.then(async () => {
      if (released || lost) return
      holder.heartbeat = iso()
      try {
        etag = (await store.put(LOCK_KEY, JSON.stringify(holder) + '\n', { ifMatch: etag })).etag
      } catch (e) {
        if (e instanceof PreconditionFailed) {
          lost = true
          emit({ kind: 'notice', level: 'warn', message: `the state lock ${url} was broken or taken by another run (playbook unlock?); this run no longer holds it: stop it and check \`playbook history\`` })
        } else {
          emit({ kind: 'notice', level: 'warn', message: `state lock heartbeat failed (${(e as Error).message}); retrying at the next beat` })
        }
      }
    })
    return chain
  }
  const timer = setInterval(() => void rewrite(), heartbeatMs)
  timer.unref()
  const lock: Lock = {
    async setRunId(runId) {
      if (released || holder.runId === runId) return
      holder.runId = runId
      await rewrite()
    },
    async release() {
      if (released) return
      clearInterval(timer)
      await chain
      released = true
      if (lost) return
      await store.delete(LOCK_KEY, etag).catch(() => {}) // only our own version
    },
    onEvent(e) {
      if (e.kind === 'run-start' && e.mode !== 'plan') void lock.setRunId(e.runId).catch(() => {})
    },
  }
  return lock
}

/**
 * `playbook unlock LOCK-ID`: delete the lock if it is still the one named (If-Match on its ETag,
 * so a lock taken since is left alone). A lock with a live heartbeat is refused unless `force`.
 */
export async function unlockState(store: ObjectStore, lockId: string, opts: { force?: boolean; now?: () => number } = {}): Promise<S3LockHolder> {
  const now = (opts.now ?? Date.now)()
  const url = store.urlOf(LOCK_KEY)
  const current = await store.get(LOCK_KEY)
  if (!current) throw new UsageError(`${url} does not exist: the state is not locked`)
  const holder = parseHolder(current.body)
  if (!holder) throw new UsageError(`${url} is not a lock record; inspect it and delete it by hand if no run is active`)
  if (holder.lockId !== lockId) throw new UsageError(`the lock at ${url} has id ${holder.lockId} (run ${holder.runId} on ${holder.host}), not ${lockId}; nothing was unlocked`)
  if (!isStale(holder, now) && !opts.force) {
    const live = new StateLockedError(holder, false, url, now)
    live.message += `; if you know that run is gone (its machine died), \`playbook unlock ${lockId} --force\` breaks it anyway`
    throw live
  }
  try {
    await store.delete(LOCK_KEY, current.etag)
  } catch (e) {
    if (e instanceof PreconditionFailed) throw new UsageError(`the lock at ${url} changed while unlocking (its holder is alive, or another run took it); nothing was unlocked`)
    throw e
  }
  return holder
}

function safeUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? 'unknown'
  }
}
