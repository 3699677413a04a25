/**
 * Team state on S3, with the real CLI in separate processes and separate working directories
 * that share nothing but the sandbox (started here; its S3 holds the state): invariant 8 (two
 * runs on one prefix: exactly one proceeds, the other exits 4 naming the holder), a stale lock
 * reported and broken only by `unlock`, and history, show, resume and rollback from a second
 * working directory with no local state at all.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { S3Journal } from '../runner/journal/s3.js'
import { S3Store } from '../runner/state/s3-store.js'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'
import { cli, cliArgs } from './helpers/cli.js'
import { gatedReference } from './helpers/gated-reference.js'
import { REFERENCE } from './helpers/reference-run.js'

const STATE = 's3://switchover-state/team/shop'
let sb: RunningSandbox | undefined
const dirs: string[] = []
afterEach(async () => {
  await sb?.stop()
  sb = undefined
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

async function setup() {
  sb = await startSandbox({ config: { route53Rate: 10_000, route53Burst: 10_000 } })
  const base = await mkdtemp(join(tmpdir(), 'switchover-team-'))
  dirs.push(base)
  const a = join(base, 'alice')
  const b = join(base, 'bob')
  const { mkdir } = await import('node:fs/promises')
  await mkdir(a)
  await mkdir(b)
  const env = { ...sb.env }
  const play = (cwd: string, args: string[], onStdout?: (t: string) => void) => cli(cwd, join(cwd, '.playbook'), ['--output', 'json', '--state', STATE, ...args], onStdout, env)
  const objects = () => sb!.core.estate.s3!.buckets[0].Objects
  const journal = () => new S3Journal(new S3Store({ bucket: 'switchover-state', prefix: 'team/shop' }, { env }))
  return { a, b, env, play, objects, journal }
}

const runArgs = ['run', REFERENCE, '--env', 'test', '--yes']
const lockIdOf = (err: string) => /lock id ([0-9a-f-]{36})/.exec(err)?.[1]

describe('team state on S3', () => {
  it('invariant 8: of two runs on the same prefix exactly one proceeds; the other exits 4 naming the holder', async () => {
    const t = await setup()
    // The first run waits at its gate until the second has exited: the two overlap.
    const gate = await gatedReference()
    const args = ['run', gate.playbook, '--env', 'test', '--yes']
    let second: ReturnType<typeof cli> | undefined
    const first = t.play(t.a, args, (out) => {
      if (!second && out.includes('"kind":"step-start"')) second = t.play(t.b, args).finally(() => gate.open())
    })
    const a = await first.finally(() => gate.close())
    const b = await second!
    expect(a.code).toBe(0)
    const runId = a.events.find((e) => e.kind === 'run-start')!.runId as string
    expect(b.code).toBe(4)
    expect(b.err).toContain(`locked by run ${runId} (run ${gate.playbook} --env test) of `)
    expect(b.err).toMatch(/last heartbeat \d+ s ago \(lease 60 s\)/)
    expect(b.events.filter((e) => e.kind === 'run-start')).toEqual([])
    expect(await t.journal().runs()).toEqual([runId])
    expect(t.objects()['team/shop/lock.json']).toBeUndefined()
    // Neither working directory got a local journal.
    expect(existsSync(join(t.a, '.playbook', 'runs'))).toBe(false)
    expect(existsSync(join(t.b, '.playbook'))).toBe(false)
  }, 180_000)

  it('reports a stale lock as stale and leaves it; `unlock LOCK-ID` breaks it, then a run proceeds', async () => {
    const t = await setup()
    const old = new Date(Date.now() - 10 * 60_000).toISOString()
    const holder = { lockId: '3f1c2b9e-0000-4000-8000-000000000001', user: 'carol', host: 'ci-runner-7', pid: 4242, runId: '20260302-015000-0abc', command: 'run switchover.yaml --env test', started: old, heartbeat: old, leaseSeconds: 60 }
    await new S3Store({ bucket: 'switchover-state', prefix: 'team/shop' }, { env: t.env }).put('lock.json', JSON.stringify(holder), { ifNoneMatch: true })
    const refused = await t.play(t.a, runArgs)
    expect(refused.code).toBe(4)
    expect(refused.err).toContain('locked by run 20260302-015000-0abc (run switchover.yaml --env test) of carol on host ci-runner-7')
    expect(refused.err).toMatch(/STALE, last heartbeat 6\d\d s ago, older than its 60 s lease/)
    expect(refused.err).toContain(`playbook unlock ${holder.lockId}`)
    expect(t.objects()['team/shop/lock.json']).toBeDefined()
    const wrong = await t.play(t.a, ['unlock', '3f1c2b9e-0000-4000-8000-00000000000f'])
    expect(wrong.code).toBe(2)
    expect(t.objects()['team/shop/lock.json']).toBeDefined()
    const unlocked = await t.play(t.a, ['unlock', holder.lockId])
    expect([unlocked.code, unlocked.err]).toEqual([0, expect.stringContaining('it was held by run 20260302-015000-0abc')])
    expect(t.objects()['team/shop/lock.json']).toBeUndefined()
    const proceeds = await t.play(t.a, [...runArgs, '--only', 'lower-ttls'])
    expect(proceeds.code).toBe(0)
    expect(proceeds.events.filter((e) => e.kind === 'run-start')).toHaveLength(1)
  }, 180_000)

  it('a run cut off on one machine is resumed, shown and rolled back from another working directory', async () => {
    const t = await setup()
    const before = sb!.dump()
    // Alice's run dies (SIGKILL) after its first step: the lock stays with a live heartbeat.
    const child = spawn(process.execPath, cliArgs(join(t.a, '.playbook'), ['--output', 'json', '--state', STATE, ...runArgs]), { cwd: t.a, env: { ...process.env, ...t.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s
      if (out.includes('"kind":"step-done"')) child.kill('SIGKILL')
    })
    await new Promise((r) => child.on('close', r))
    const runId = /"runId":"([^"]+)"/.exec(out)![1]
    // Bob, elsewhere (state from PLAYBOOK_STATE): history shows the run as incomplete; a run is refused by the live lock.
    const history = await cli(t.b, join(t.b, '.playbook'), ['--output', 'json', 'history'], undefined, { ...t.env, PLAYBOOK_STATE: STATE })
    expect(history.code).toBe(0)
    expect(history.events).toEqual([expect.objectContaining({ runId, status: 'incomplete' })])
    const refused = await t.play(t.b, runArgs)
    expect(refused.code).toBe(4)
    const lockId = lockIdOf(refused.err)!
    expect((await t.play(t.b, ['unlock', lockId])).code).toBe(4) // live heartbeat: not stale yet
    expect((await t.play(t.b, ['unlock', lockId, '--force'])).code).toBe(0)
    const resumed = await t.play(t.b, runArgs)
    expect(resumed.code).toBe(0)
    expect(resumed.events.find((e) => e.kind === 'run-start')).toMatchObject({ runId, resumed: true })
    const shown = await t.play(t.b, ['show', runId])
    expect(shown.code).toBe(0)
    expect(shown.events[0]).toMatchObject({ runId, status: 'done' })
    const back = await t.play(t.b, ['rollback', runId, '--yes'])
    expect(back.code).toBe(0)
    const { now: _a, ...restored } = sb!.dump() as Record<string, unknown>
    const { now: _b, ...seeded } = before as Record<string, unknown>
    expect(restored).toEqual(seeded)
    expect(existsSync(join(t.b, '.playbook'))).toBe(false)
    const runs = await t.journal().runs()
    expect(runs).toHaveLength(2)
    expect(runs[0]).toBe(runId)
  }, 240_000)
})
