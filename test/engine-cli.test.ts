/** The CLI in-process through main(argv, io): exit codes, output modes, lock, generate. */
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { main } from '../runner/cli/main.js'
import type { Io } from '../runner/cli/io.js'
import { testRegistry } from './helpers/test-registry.js'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

const initial = { a: 1, b: 2, c: 3 }
const yaml = (extra = '') => `version: 1
name: cli-demo
vars: { world: "file:world.json" }
steps:
  - { id: one, type: test.memory, with: { world: "\${{ vars.world }}", set: { a: 10 } } }
  - { id: two, type: test.memory, with: { world: "\${{ vars.world }}", set: { b: 20, x: new } }${extra} }
  - { id: three, type: test.memory, with: { world: "\${{ vars.world }}", set: { c: null } } }
`

async function setup(text = yaml()) {
  const dir = await mkdtemp(join(tmpdir(), 'engine-cli-'))
  dirs.push(dir)
  await writeFile(join(dir, 'world.json'), JSON.stringify({ state: initial }))
  await writeFile(join(dir, 'pb.yaml'), text)
  const world = async () => (JSON.parse(await readFile(join(dir, 'world.json'), 'utf8')) as { state: unknown }).state
  const cli = async (...args: string[]) => {
    let out = ''
    let err = ''
    const io: Io = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stdinIsTTY: false, stdoutIsTTY: false, env: {}, ask: async () => true }
    const withVar = args.some((a) => ['plan', 'run', 'validate'].includes(a)) ? [...args, '--var', `world=file:${join(dir, 'world.json')}`] : args
    const code = await main(['--state-dir', join(dir, 'state'), ...withVar], io, { registry: testRegistry })
    return { code, out, err }
  }
  return { dir, cli, world }
}

describe('playbook CLI', () => {
  it('validate: 0 for a valid playbook, 2 with file:line:col for an invalid one', async () => {
    const { dir, cli } = await setup()
    expect((await cli('validate', join(dir, 'pb.yaml'))).code).toBe(0)
    await writeFile(join(dir, 'bad.yaml'), yaml().replace('type: test.memory', 'type: test.nope'))
    const bad = await cli('validate', join(dir, 'bad.yaml'))
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/bad\.yaml:5:\d+ /)
  })

  it('run, rerun (nothing applied), history, show, rollback --last', async () => {
    const { dir, cli, world } = await setup()
    const r = await cli('run', join(dir, 'pb.yaml'))
    expect(r.code).toBe(0)
    expect(await world()).toEqual({ a: 10, b: 20, x: 'new' })
    const again = await cli('--output', 'json', 'run', join(dir, 'pb.yaml'))
    const events = again.out.trim().split('\n').map((l) => JSON.parse(l))
    expect(events.filter((e) => e.kind === 'item-applied')).toEqual([])
    expect(events.filter((e) => e.kind === 'step-skipped')).toHaveLength(3)
    expect(events.at(-1)).toMatchObject({ kind: 'run-end', status: 'done', exitCode: 0 })
    const hist = await cli('--output', 'json', 'history')
    const runs = hist.out.trim().split('\n').map((l) => JSON.parse(l))
    expect(runs.map((x) => [x.stepsApplied, x.status])).toEqual([[0, 'done'], [3, 'done']])
    const shown = await cli('show', runs[1].runId, '--html', join(dir, 'report.html'))
    expect(shown.out).toContain('step two (test.memory): done')
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('<g class="row step" data-step="two" data-status="done"')
    const data = JSON.parse((await cli('--output', 'json', 'show', runs[1].runId)).out)
    expect(data.steps.map((s: { id: string; status: string; changes: unknown[] }) => [s.id, s.status, s.changes.length])).toEqual([['one', 'done', 1], ['two', 'done', 2], ['three', 'done', 1]])
    // --last skips the no-op rerun and undoes the run that changed things.
    const back = await cli('rollback', '--last', '--yes')
    expect(back.code).toBe(0)
    expect(back.out).toContain(`rolling back run ${runs[1].runId}`)
    expect(await world()).toEqual(initial)
  })

  it('run --dry-run and plan change nothing and journal nothing', async () => {
    const { dir, cli, world } = await setup()
    const dry = await cli('run', join(dir, 'pb.yaml'), '--dry-run')
    expect(dry.code).toBe(0)
    expect(dry.out).toContain('~ a: 1 -> 10')
    expect((await cli('plan', join(dir, 'pb.yaml'))).code).toBe(0)
    expect(await world()).toEqual(initial)
    await expect(readdir(join(dir, 'state', 'runs'))).rejects.toThrow()
  })

  it('a failing step rolls back the earlier ones: exit 1', async () => {
    const { dir, cli, world } = await setup(yaml().replace('set: { b: 20, x: new }', 'set: { b: 20, x: new }, failAt: x'))
    const r = await cli('run', join(dir, 'pb.yaml'))
    expect(r.code).toBe(1)
    expect(r.out).toContain('rolled-back')
    expect(await world()).toEqual(initial)
  })

  it('a second run is refused with exit 4 naming the holder', async () => {
    const { dir, cli, world } = await setup()
    await mkdir(join(dir, 'state'), { recursive: true })
    await writeFile(join(dir, 'state', 'lock'), JSON.stringify({ host: hostname(), pid: process.pid, runId: '20260302-014500-0001', since: '2026-03-02T01:45:00.000Z' }))
    const r = await cli('run', join(dir, 'pb.yaml'))
    expect(r.code).toBe(4)
    expect(r.err).toContain(`locked by run 20260302-014500-0001, pid ${process.pid} on host ${hostname()} since 2026-03-02T01:45:00.000Z`)
    expect(await world()).toEqual(initial)
  })

  it('usage errors exit 2 before anything runs', async () => {
    const { dir, cli, world } = await setup(yaml(', pause: "Switch now?"'))
    const paused = await cli('run', join(dir, 'pb.yaml'))
    expect(paused.code).toBe(2)
    expect(paused.err).toContain('stdin is not a terminal; rerun with --yes')
    expect((await cli('run', join(dir, 'pb.yaml'), '--yes', '--from', 'nope')).code).toBe(2)
    expect((await cli('run', join(dir, 'pb.yaml'), '--bogus')).code).toBe(2)
    expect((await cli('rollback')).code).toBe(2)
    expect((await cli('rollback', 'not-a-run', '--yes')).code).toBe(2)
    expect((await cli('show', '20990101-000000-0000')).code).toBe(2)
    expect(await world()).toEqual(initial)
    await expect(readdir(join(dir, 'state', 'runs'))).rejects.toThrow()
    expect((await cli('run', join(dir, 'pb.yaml'), '--yes')).code).toBe(0)
  })

  it('rollback --generate prints a playbook that validates, plans and restores', async () => {
    const { dir, cli, world } = await setup()
    expect((await cli('run', join(dir, 'pb.yaml'))).code).toBe(0)
    const gen = await cli('rollback', '--generate', join(dir, 'pb.yaml'))
    expect(gen.code).toBe(0)
    await writeFile(join(dir, 'rollback.yaml'), gen.out)
    expect((await cli('validate', join(dir, 'rollback.yaml'))).code).toBe(0)
    const planned = await cli('plan', join(dir, 'rollback.yaml'))
    expect(planned.code).toBe(0)
    expect(planned.out).toContain('undo-two (test.memory): 2 changes')
    expect(await world()).toEqual({ a: 10, b: 20, x: 'new' })
    expect((await cli('run', join(dir, 'rollback.yaml'))).code).toBe(0)
    expect(await world()).toEqual(initial)
    // The run is undone: --last finds nothing left to roll back.
    const none = await cli('rollback', '--last', '--yes')
    expect(none.code).toBe(2)
    expect(none.err).toContain('no run to roll back')
  })

  it('rollback bookkeeping: --only one undo step is a partial rollback; --last undoes the rest and says why; again: already rolled back, exit 0', async () => {
    const { dir, cli, world } = await setup()
    expect((await cli('run', join(dir, 'pb.yaml'))).code).toBe(0)
    await writeFile(join(dir, 'rollback.yaml'), (await cli('rollback', '--generate', join(dir, 'pb.yaml'))).out)
    expect((await cli('run', join(dir, 'rollback.yaml'), '--only', 'undo-two')).code).toBe(0)
    expect(await world()).toEqual({ a: 10, b: 2 })
    const runs = (await cli('--output', 'json', 'history')).out.trim().split('\n').map((l) => JSON.parse(l))
    const forward = runs.find((r) => r.playbook === 'cli-demo')
    expect(forward.status).toContain('partly rolled back: 1 of 3 steps')
    expect((await cli('history')).out).toContain('partly rolled back: 1 of 3 steps')

    const rest = await cli('--output', 'json', 'rollback', '--last', '--yes')
    expect(rest.code).toBe(0)
    const events = rest.out.trim().split('\n').map((l) => JSON.parse(l))
    expect(events[0]).toMatchObject({ kind: 'rollback-picked', runId: forward.runId })
    expect(events.filter((e) => e.kind === 'rollback-step').map((e) => e.step)).toEqual(['three', 'one'])
    expect(await world()).toEqual(initial)

    const again = await cli('rollback', forward.runId, '--yes')
    expect(again.code).toBe(0)
    expect(again.out).toMatch(new RegExp(`already rolled back by \\S+-\\w{4}, \\S+-\\w{4}`))
  })

  it('a rollback that stops at an item deleted by hand exits 3 and prints what is left and how to continue; --force finishes', async () => {
    const { dir, cli, world } = await setup()
    const r = await cli('--output', 'json', 'run', join(dir, 'pb.yaml'))
    const runId = JSON.parse(r.out.split('\n')[0]).runId as string
    const file = JSON.parse(await readFile(join(dir, 'world.json'), 'utf8')) as { state: Record<string, unknown> }
    delete file.state.a
    await writeFile(join(dir, 'world.json'), JSON.stringify(file))
    const stopped = await cli('rollback', runId, '--yes')
    expect(stopped.code).toBe(3)
    expect(stopped.out).toContain('still applied (newest first):')
    expect(stopped.out).toContain('    one: a')
    expect(stopped.out).toContain(`to continue: playbook rollback ${runId} --force`)
    const forced = await cli('rollback', runId, '--yes', '--force')
    expect(forced.code).toBe(0)
    expect(forced.out).toContain('warning: a no longer exists')
    expect(await world()).toEqual({ b: 2, c: 3 })
  })
})
