/**
 * One run per state directory: `<stateDir>/lock`, created atomically (written to a temp file,
 * then hard-linked into place, which fails if a lock exists), holding {host, pid, runId, since}.
 * A lock held by a process that no longer exists on this host is broken, with a notice; any other
 * lock refuses with {@link LockedError} naming the holder. The engine knows nothing of it: the
 * CLI takes it around a run and keeps the holder's run id current from the run's events.
 */
import { hostname } from 'node:os'
import { join } from 'node:path'
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { FILE_MODE, privateDir } from './private-files.js'
import type { EngineEvent, Emit } from './events.js'

export type LockHolder = { host: string; pid: number; runId: string; since: string }

export class LockedError extends Error {
  readonly exitCode = 4
  constructor(readonly holder: LockHolder | undefined, file: string) {
    super(
      holder
        ? `locked by run ${holder.runId}, pid ${holder.pid} on host ${holder.host} since ${holder.since}; if that process is gone, delete ${file} and retry`
        : `locked: ${file} exists but cannot be read; if no run is active, delete it and retry`,
    )
  }
}

export interface Lock {
  /** Update the holder's run id (once the run knows it). */
  setRunId(runId: string): Promise<void>
  /** Remove the lock; safe to call twice. */
  release(): Promise<void>
  /** Attach to events: keeps the run id in the lock current. */
  readonly onEvent: (e: EngineEvent) => void
}

export type LockOptions = { host?: string; pid?: number; now?: () => number; isAlive?: (pid: number) => boolean }

export async function acquireLock(stateDir: string, emit: Emit, opts: LockOptions = {}): Promise<Lock> {
  const file = join(stateDir, 'lock')
  const host = opts.host ?? hostname()
  const pid = opts.pid ?? process.pid
  const isAlive = opts.isAlive ?? pidAlive
  await privateDir(stateDir)
  const holder: LockHolder = { host, pid, runId: '(starting)', since: new Date((opts.now ?? Date.now)()).toISOString() }
  const write = async (target: 'create' | 'update') => {
    const tmp = `${file}.${pid}.tmp`
    await writeFile(tmp, JSON.stringify(holder) + '\n', { mode: FILE_MODE })
    if (target === 'update') return rename(tmp, file)
    try {
      await link(tmp, file)
    } finally {
      await unlink(tmp).catch(() => {})
    }
  }
  for (let attempt = 0; ; attempt++) {
    try {
      await write('create')
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new LockedError(await readHolder(file), file)
        throw e
      }
      const other = await readHolder(file)
      if (!other || other.host !== host || isAlive(other.pid)) throw new LockedError(other, file)
      emit({ kind: 'notice', level: 'warn', message: `breaking a stale lock: run ${other.runId}, pid ${other.pid} on ${other.host} (since ${other.since}) is no longer running; resume or roll back that run` })
      await unlink(file).catch(() => {})
    }
  }
  let released = false
  const lock: Lock = {
    async setRunId(runId) {
      if (released || holder.runId === runId) return
      holder.runId = runId
      await write('update')
    },
    async release() {
      if (released) return
      released = true
      await unlink(file).catch(() => {})
    },
    onEvent(e) {
      if (e.kind === 'run-start' && e.mode !== 'plan') void lock.setRunId(e.runId).catch(() => {})
    },
  }
  return lock
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const h = JSON.parse(await readFile(file, 'utf8')) as LockHolder
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : undefined
  } catch {
    return undefined
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
