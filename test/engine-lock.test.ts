import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { acquireLock, LockedError } from '../runner/lock.js'
import type { EngineEvent } from '../runner/events.js'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})
const tmp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'engine-lock-'))
  dirs.push(d)
  return d
}

describe('lock', () => {
  it('refuses a second holder, naming the first, and frees on release', async () => {
    const dir = await tmp()
    const events: EngineEvent[] = []
    const first = await acquireLock(dir, (e) => events.push(e))
    await first.setRunId('20260302-014500-0001')
    const err = await acquireLock(dir, () => {}).catch((e) => e)
    expect(err).toBeInstanceOf(LockedError)
    expect(err.exitCode).toBe(4)
    expect(err.message).toContain('locked by run 20260302-014500-0001')
    expect(err.message).toContain(`pid ${process.pid} on host ${hostname()}`)
    await first.release()
    const again = await acquireLock(dir, () => {})
    await again.release()
  })

  it('keeps the run id current from run-start events', async () => {
    const dir = await tmp()
    const lock = await acquireLock(dir, () => {})
    lock.onEvent({ kind: 'run-start', runId: '20260302-014500-0abc', playbook: 'p', env: null, mode: 'run', resumed: false, steps: [] })
    await new Promise((r) => setTimeout(r, 50))
    expect(JSON.parse(await readFile(join(dir, 'lock'), 'utf8')).runId).toBe('20260302-014500-0abc')
    await lock.release()
  })

  it('breaks a stale lock of a dead process on this host, with a notice', async () => {
    const dir = await tmp()
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!
    await writeFile(join(dir, 'lock'), JSON.stringify({ host: hostname(), pid: dead, runId: '20260302-014500-0001', since: '2026-03-02T01:45:00Z' }))
    const events: EngineEvent[] = []
    const lock = await acquireLock(dir, (e) => events.push(e))
    expect(events).toEqual([expect.objectContaining({ kind: 'notice', level: 'warn', message: expect.stringContaining('breaking a stale lock: run 20260302-014500-0001') })])
    expect(JSON.parse(await readFile(join(dir, 'lock'), 'utf8')).pid).toBe(process.pid)
    await lock.release()
  })

  it('does not break a lock held on another host', async () => {
    const dir = await tmp()
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'lock'), JSON.stringify({ host: 'elsewhere', pid: 1, runId: 'r', since: 's' }))
    await expect(acquireLock(dir, () => {})).rejects.toThrow(/locked by run r, pid 1 on host elsewhere since s/)
  })
})
