/**
 * Kill-resume: the CLI, in a child process, is SIGKILLed at every item of a 3-step playbook
 * (before and after the item's write); a rerun resumes the same run to completion, and a
 * rollback then restores the exact initial state. Also: a rollback killed midway, rerun, finishes.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { KillPoint, WorldFile } from '../runner/clients/test-worlds.js'

const root = resolve(import.meta.dirname, '..')
const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

const initial = { a: 1, b: 2, c: 3 }
const playbookYaml = `version: 1
name: kill-demo
vars: { world: "file:world.json" }
steps:
  - { id: one, type: test.memory, with: { world: "\${{ vars.world }}", set: { a: 10 } } }
  - { id: two, type: test.memory, with: { world: "\${{ vars.world }}", set: { b: 20, x: new } } }
  - { id: three, type: test.memory, with: { world: "\${{ vars.world }}", set: { c: null } } }
`

function cli(cwd: string, ...args: string[]) {
  // tsx is loaded by file URL, so it resolves from the project whatever the cwd.
  const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href
  const env = { ...process.env }
  delete env.PLAYBOOK_SANDBOX_URL
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'test/helpers/test-cli.ts'), '--state-dir', join(cwd, 'state'), ...args], { cwd, encoding: 'utf8', env })
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr }
}

async function setup(killAt?: KillPoint) {
  const dir = await mkdtemp(join(tmpdir(), 'engine-kill-'))
  dirs.push(dir)
  await writeFile(join(dir, 'world.json'), JSON.stringify({ state: initial, ...(killAt ? { killAt } : {}) }))
  await writeFile(join(dir, 'pb.yaml'), playbookYaml)
  return dir
}
const world = async (dir: string) => JSON.parse(await readFile(join(dir, 'world.json'), 'utf8')) as WorldFile
const setKill = async (dir: string, killAt: KillPoint) => writeFile(join(dir, 'world.json'), JSON.stringify({ ...(await world(dir)), killAt }))

const points: KillPoint[] = ['a', 'b', 'x', 'c'].flatMap((key) => (['before', 'after'] as const).map((when) => ({ key, when })))

describe('kill at every item, resume, rollback', () => {
  it.each(points)('killed $when writing $key', async (killAt) => {
    const dir = await setup(killAt)
    const killed = cli(dir, 'run', 'pb.yaml')
    expect(killed.signal).toBe('SIGKILL')
    const runs = await readdir(join(dir, 'state', 'runs'))
    expect(runs).toHaveLength(1)

    const resumed = cli(dir, 'run', 'pb.yaml')
    expect(resumed.err).toBe('')
    expect(resumed.code).toBe(0)
    expect(resumed.out).toContain(`resuming ${runs[0].replace('.jsonl', '')}`)
    expect(await readdir(join(dir, 'state', 'runs'))).toEqual(runs) // same run, no new one
    expect((await world(dir)).state).toEqual({ a: 10, b: 20, x: 'new' })

    const back = cli(dir, 'rollback', '--last', '--yes')
    expect(back.code).toBe(0)
    expect((await world(dir)).state).toEqual(initial)
  })

  it('a rollback killed midway finishes when rerun', async () => {
    const dir = await setup()
    expect(cli(dir, 'run', 'pb.yaml').code).toBe(0)
    await setKill(dir, { step: 'two', key: 'x', when: 'after' })
    const killed = cli(dir, 'rollback', '--last', '--yes')
    expect(killed.signal).toBe('SIGKILL')
    // Step three is restored (c back), step two restored b then x and died: a is still set.
    expect((await world(dir)).state).toEqual({ a: 10, b: 2, c: 3 })
    // The stale lock of the killed rollback is broken with a notice.
    const again = cli(dir, 'rollback', '--last', '--yes')
    expect(again.code).toBe(0)
    expect(again.out).toContain('breaking a stale lock')
    expect((await world(dir)).state).toEqual(initial)
  })
})
