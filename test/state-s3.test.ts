/**
 * The S3 journal and lock (runner/journal/s3.ts, runner/state/s3-lock.ts) against the sandbox's
 * S3 over real HTTP with the real SDK: segments written once, read in order, holes and torn
 * segments named; two writers cannot clobber; the lock's holder, heartbeat, stale report and
 * unlock; server-side encryption on every write.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { EngineEvent } from '../runner/events.js'
import type { JournalEntry } from '../runner/journal/entries.js'
import { JournalConflict, JournalSegmentError, S3Journal } from '../runner/journal/s3.js'
import { S3Store } from '../runner/state/s3-store.js'
import { acquireS3Lock, StateLockedError, unlockState, LOCK_KEY } from '../runner/state/s3-lock.js'
import { UsageError } from '../runner/errors.js'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'

const started: RunningSandbox[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()))
})
async function world(prefix = 'team/prod', kmsKeyId?: string) {
  const sb = await startSandbox()
  started.push(sb)
  const store = () => new S3Store({ bucket: 'switchover-state', prefix }, { env: sb.env, kmsKeyId })
  const objects = () => sb.core.estate.s3!.buckets[0].Objects
  return { sb, store, objects }
}
const RUN = '20260302-015500-0001'
const entry = (n: number): JournalEntry => ({ v: 1, at: n, t: 'wait', step: 's', ms: n, reason: `r${n}`, virtual: true })

describe('S3 journal', () => {
  it('one object per batch, numbered in order and durable when the call resolves; read returns every entry in order', async () => {
    const { store, objects, sb } = await world()
    const j = new S3Journal(store())
    await j.append(RUN, entry(1))
    expect(Object.keys(objects())).toEqual([`team/prod/runs/${RUN}/000001.jsonl`])
    await j.appendMany(RUN, [entry(2), entry(3), entry(4)])
    await j.appendMany(RUN, [])
    expect(Object.keys(objects()).sort()).toEqual([1, 2].map((n) => `team/prod/runs/${RUN}/00000${n}.jsonl`))
    expect(Buffer.from(objects()[`team/prod/runs/${RUN}/000002.jsonl`].Body, 'base64').toString().split('\n')).toHaveLength(4)
    expect(sb.calls().filter((c) => c.operation === 'PutObject').map((c) => c.status)).toEqual([200, 200])
    const reader = new S3Journal(store()) // another machine
    expect((await reader.read(RUN)).map((e) => e.at)).toEqual([1, 2, 3, 4])
    expect(await reader.runs()).toEqual([RUN])
    expect(await reader.read('20260302-015500-0002')).toEqual([])
    // A resumed run appends after the last segment.
    await reader.append(RUN, entry(5))
    expect((await new S3Journal(store()).read(RUN)).map((e) => e.at)).toEqual([1, 2, 3, 4, 5])
  })

  it('two writers on the same run cannot clobber each other: the second gets a clear conflict naming the object', async () => {
    const { store, objects } = await world()
    const a = new S3Journal(store())
    const b = new S3Journal(store())
    await a.append(RUN, entry(1))
    await b.read(RUN) // b now writes segment 2 next
    await a.append(RUN, entry(2))
    const err = await b.append(RUN, entry(99)).catch((e) => e)
    expect(err).toBeInstanceOf(JournalConflict)
    expect(err.message).toContain(`s3://switchover-state/team/prod/runs/${RUN}/000002.jsonl was written by another process`)
    expect(Buffer.from(objects()[`team/prod/runs/${RUN}/000002.jsonl`].Body, 'base64').toString()).toContain('"at":2')
  })

  it('a missing segment (a gap in the numbers) or a torn one is an error naming the object, never a silent gap', async () => {
    const { store, objects } = await world()
    const j = new S3Journal(store())
    for (const n of [1, 2, 3]) await j.append(RUN, entry(n))
    const second = `team/prod/runs/${RUN}/000002.jsonl`
    const saved = objects()[second]
    delete objects()[second]
    const gap = await new S3Journal(store()).read(RUN).catch((e) => e)
    expect(gap).toBeInstanceOf(JournalSegmentError)
    expect(gap.message).toContain(`s3://switchover-state/${second} is missing`)
    objects()[second] = { ...saved, Body: Buffer.from('{"v":1,"at":2,"t":"wa').toString('base64') }
    const torn = await new S3Journal(store()).read(RUN).catch((e) => e)
    expect(torn).toBeInstanceOf(JournalSegmentError)
    expect(torn.message).toContain(`s3://switchover-state/${second} is torn`)
  })

  it('writes with SSE-S3 by default and SSE-KMS with the named key', async () => {
    const plain = await world()
    await new S3Journal(plain.store()).append(RUN, entry(1))
    expect(Object.values(plain.objects())[0]).toMatchObject({ ServerSideEncryption: 'AES256' })
    const kms = await world('p', 'arn:aws:kms:us-east-1:000000000000:key/state')
    await new S3Journal(kms.store()).append(RUN, entry(1))
    expect(Object.values(kms.objects())[0]).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'arn:aws:kms:us-east-1:000000000000:key/state' })
  })
})

describe('S3 lock', () => {
  const events: EngineEvent[] = []
  const emit = (e: EngineEvent) => void events.push(e)

  it('names its holder; a second run is refused (exit 4) with the holder and the heartbeat age; release frees it', async () => {
    const { store, objects } = await world()
    const first = await acquireS3Lock(store(), emit, { command: 'run switchover.yaml --env prod', user: 'ann', host: 'laptop' })
    await first.setRunId(RUN)
    const record = JSON.parse(Buffer.from(objects()['team/prod/lock.json'].Body, 'base64').toString())
    expect(record).toMatchObject({ user: 'ann', host: 'laptop', pid: process.pid, runId: RUN, command: 'run switchover.yaml --env prod', leaseSeconds: 60 })
    expect(Date.parse(record.heartbeat)).toBeGreaterThanOrEqual(Date.parse(record.started))
    const err = await acquireS3Lock(store(), emit, { command: 'run other', now: () => Date.parse(record.heartbeat) + 5_000 }).catch((e) => e)
    expect(err).toBeInstanceOf(StateLockedError)
    expect([err.exitCode, err.stale]).toEqual([4, false])
    expect(err.message).toContain(`locked by run ${RUN} (run switchover.yaml --env prod) of ann on host laptop`)
    expect(err.message).toContain('last heartbeat 5 s ago (lease 60 s)')
    await first.release()
    expect(objects()['team/prod/lock.json']).toBeUndefined()
    const again = await acquireS3Lock(store(), emit, { command: 'run again' })
    await again.release()
  })

  it('refreshes the heartbeat with If-Match on its ETag while the run lives', async () => {
    const { store, objects, sb } = await world()
    const lock = await acquireS3Lock(store(), emit, { command: 'run', heartbeatMs: 40 })
    const firstTag = objects()['team/prod/lock.json'].ETag
    await new Promise((r) => setTimeout(r, 150))
    expect(objects()['team/prod/lock.json'].ETag).not.toBe(firstTag)
    expect(sb.calls().filter((c) => c.operation === 'PutObject' && c.status === 200).length).toBeGreaterThanOrEqual(3)
    await lock.release()
  })

  it('reports a lock past its lease as stale; only `unlock LOCK-ID` breaks it; the old holder then knows it lost it', async () => {
    const { store, objects } = await world()
    const old = await acquireS3Lock(store(), emit, { command: 'run switchover.yaml', heartbeatMs: 60_000, leaseMs: 30_000 })
    await old.setRunId(RUN)
    const record = JSON.parse(Buffer.from(objects()['team/prod/lock.json'].Body, 'base64').toString())
    const later = () => Date.parse(record.heartbeat) + 31_000
    const stale = await acquireS3Lock(store(), emit, { command: 'run', now: later }).catch((e) => e)
    expect([stale.exitCode, stale.stale]).toEqual([4, true])
    expect(stale.message).toContain(`STALE, last heartbeat 31 s ago, older than its 30 s lease; if that run is gone, break the lock with \`playbook unlock ${record.lockId}\``)
    expect(objects()['team/prod/lock.json']).toBeDefined() // never broken silently
    await expect(unlockState(store(), 'not-the-id', { now: later })).rejects.toBeInstanceOf(UsageError)
    await expect(unlockState(store(), record.lockId)).rejects.toBeInstanceOf(StateLockedError) // still fresh now
    expect((await unlockState(store(), record.lockId, { now: later })).runId).toBe(RUN)
    expect(objects()['team/prod/lock.json']).toBeUndefined()
    const next = await acquireS3Lock(store(), emit, { command: 'run next' })
    const nextTag = objects()['team/prod/lock.json'].ETag
    events.length = 0
    await old.setRunId('20260302-015500-0009') // a heartbeat of the old holder: If-Match fails
    expect(events.some((e) => e.kind === 'notice' && e.message.includes('no longer holds it'))).toBe(true)
    await old.release()
    expect(objects()['team/prod/lock.json'].ETag).toBe(nextTag) // the new holder's lock is untouched
    await next.release()
  })
})
