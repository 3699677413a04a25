/**
 * Ctrl-C: the built CLI (node dist/runner/cli.js, a child process of this test) runs a weighted
 * shift on the sandbox whose HTTP gate asks a server of this test that never answers; SIGINT
 * while it waits stops the run with one message and exit code 130, the run stays open, and a
 * rerun resumes it. A second Ctrl-C stops at once, with the same code. Other commands stop at once.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from './helpers/reference-run.js'

const CLI = join(ROOT, 'dist/runner/cli.js')

let dir: string | undefined
let server: Server | undefined
const children: ChildProcess[] = []
const held: ServerResponse[] = []
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  for (const r of held.splice(0)) r.destroy()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
  if (dir) await rm(dir, { recursive: true, force: true })
  dir = undefined
})

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p tsconfig.json)`)
})

/** A health endpoint that holds every request until the test ends; resolves at the first one. */
async function silentHealth(): Promise<{ url: string; asked: Promise<void> }> {
  let asked!: () => void
  const first = new Promise<void>((r) => (asked = r))
  server = createServer((_req, res) => {
    held.push(res)
    asked()
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`, asked: first }
}

const playbook = (url: string) => `version: 1
name: shift-www
steps:
  - id: shift-website
    type: route53.records
    with:
      zone: test.example.com
      records:
        - { name: www, type: CNAME, values: [test-website-eks-5678.us-east-1.elb.amazonaws.com] }
      weighted: { from: ecs, to: eks, stages: [10, 100], gate: { http: { url: "${url}", times: 1 } } }
`

type Ended = { code: number | null; signal: NodeJS.Signals | null; out: string; err: string }

function start(args: string[]): { child: ChildProcess; ended: Promise<Ended>; out: () => string; err: () => string } {
  const env = { ...process.env }
  delete env.PLAYBOOK_SANDBOX_URL
  const child = spawn(process.execPath, [CLI, '--state-dir', join(dir!, 'state'), ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (t: string) => (out += t))
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (err += t))
  const ended = new Promise<Ended>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })))
  return { child, ended, out: () => out, err: () => err }
}

const events = (out: string) => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)

async function setup(): Promise<{ asked: Promise<void> }> {
  dir = await mkdtemp(join(tmpdir(), 'cli-interrupt-'))
  const health = await silentHealth()
  await writeFile(join(dir, 'pb.yaml'), playbook(health.url))
  return { asked: health.asked }
}

describe('Ctrl-C', () => {
  it('during a gate: one message, exit 130, the run stays open for a rerun to resume, the lock released', async () => {
    const { asked } = await setup()
    const run = start(['--output', 'json', 'run', 'pb.yaml', '--sandbox', '--yes'])
    await asked
    run.child.kill('SIGINT')
    const r = await run.ended
    expect(r.signal).toBeNull()
    expect(r.code).toBe(130)
    const ev = events(r.out)
    expect(ev.at(-1)).toMatchObject({ kind: 'run-end', status: 'interrupted', exitCode: 130 })
    expect(ev).toContainEqual(expect.objectContaining({ kind: 'step-failed', step: 'shift-website', phase: 'interrupted' }))
    // One message on stderr, and it says how to go on.
    const said = r.err.split('\n').filter((l) => /interrupt/i.test(l))
    expect(said).toHaveLength(1)
    expect(said[0]).toMatch(/rerun/)
    await expectOpenRun()
  }, 60_000)

  it('twice: stops at once, with the same code', async () => {
    const { asked } = await setup()
    const run = start(['run', 'pb.yaml', '--sandbox', '--yes'])
    await asked
    run.child.kill('SIGINT')
    // Signals sent back to back arrive as one: the second goes once the first is acknowledged.
    await waitFor(() => (/interrupted:/.test(run.err()) ? true : undefined))
    run.child.kill('SIGINT')
    const r = await run.ended
    // A second Ctrl-C that lands while the process is already exiting (seen now and then) ends
    // it by the signal itself, which a shell reports as 130 too.
    expect(r.code ?? (r.signal === 'SIGINT' ? 130 : r.signal)).toBe(130)
    await expectOpenRun()
    // The in-process sandbox was saved on the way out: it holds the 10% stage the journal records.
    const dump = await start(['sandbox', 'dump']).ended
    expect(dump.out).toMatch(/"SetIdentifier": "eks"/)
  }, 60_000)

  it('during a command that changes nothing (plan): stops at once, one message, exit 130', async () => {
    await setup()
    // The plan blocks in a render command (it notes its pid, so the test can end it afterwards).
    const render = { command: 'sh', args: ['-c', 'echo $$ > render.pid; exec sleep 30'] }
    await writeFile(join(dir!, 'slow.yaml'), `version: 1\nname: slow\nsteps:\n  - { id: deploy, type: k8s.apply, with: { render: ${JSON.stringify(render)}, namespace: shop-test } }\n`)
    const plan = start(['plan', 'slow.yaml', '--sandbox'])
    const pid = await waitFor(() => {
      const f = join(dir!, 'render.pid')
      return existsSync(f) && readFileSync(f, 'utf8').trim() !== '' ? Number(readFileSync(f, 'utf8')) : undefined
    })
    try {
      plan.child.kill('SIGINT')
      const r = await plan.ended
      expect(r.signal).toBeNull()
      expect(r.code).toBe(130)
      expect(r.err.split('\n').filter((l) => /interrupt/i.test(l))).toHaveLength(1)
    } finally {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }, 60_000)
})

/** One run in the journal, open (a rerun resumes it), and the lock released. */
async function expectOpenRun(): Promise<void> {
  expect(await readdir(join(dir!, 'state', 'runs'))).toHaveLength(1)
  expect(existsSync(join(dir!, 'state', 'lock'))).toBe(false)
  const history = await start(['--output', 'json', 'history']).ended
  expect(events(history.out)).toEqual([expect.objectContaining({ playbook: 'shift-www', status: 'incomplete' })])
}

async function waitFor<T>(probe: () => T | undefined, ms = 30_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const v = probe()
    if (v !== undefined) return v
    if (Date.now() > until) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}
