/**
 * `playbook sandbox serve` in a process of its own, and its control API: what the kill-point
 * harness drives. The sandbox outlives every runner it kills, as a real estate outlives a crashed
 * operator's laptop.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import type { HoldSpec, HoldStatus } from '../../sandbox/hold.js'
import type { CallRecord } from '../../sandbox/types.js'

export type ServeProcess = {
  url: string
  /** The `export` lines of serve as a map (AWS_ENDPOINT_URL, KUBECONFIG, PLAYBOOK_SANDBOX_URL, ...). */
  env: Record<string, string>
  reset(): Promise<void>
  hold(spec: HoldSpec): Promise<HoldStatus>
  holdStatus(): Promise<HoldStatus>
  release(): Promise<HoldStatus>
  dump(ledger?: boolean): Promise<unknown>
  calls(): Promise<CallRecord[]>
  stop(): Promise<void>
}

export class ServeFailed extends Error {}

async function control<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}/_sandbox/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  if (!res.ok) throw new ServeFailed(`${method} /_sandbox/${path}: HTTP ${res.status} ${text}`)
  return JSON.parse(text) as T
}

/** Parse `export NAME=value` lines (values quoted by sandbox/commands.ts for a POSIX shell). */
function parseExports(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const m of text.matchAll(/^export (\w+)=(.*)$/gm)) {
    const v = m[2]!
    env[m[1]!] = v.startsWith("'") ? v.slice(1, -1).replace(/'\\''/g, "'") : v
  }
  return env
}

/** Start serve with its state under `stateDir`; resolves once it printed its exports. */
export async function startServe(cli: string, cwd: string, stateDir: string): Promise<ServeProcess> {
  const child: ChildProcess = spawn(process.execPath, [cli, 'sandbox', 'serve', '--state-dir', stateDir], {
    cwd,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const env = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ServeFailed(`sandbox serve printed no exports within 30 s: ${out}${err}`)), 30_000)
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const env = parseExports(out)
      if (env.PLAYBOOK_SANDBOX_URL && env.KUBECONFIG) (clearTimeout(timer), resolve(env))
    })
    child.once('exit', (code) => (clearTimeout(timer), reject(new ServeFailed(`sandbox serve exited with ${code}: ${out}${err}`))))
  })
  const url = env.PLAYBOOK_SANDBOX_URL!
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    url,
    env,
    reset: async () => void (await control(url, 'POST', 'reset')),
    hold: (spec) => control(url, 'POST', 'hold', spec),
    holdStatus: () => control(url, 'GET', 'hold'),
    release: () => control(url, 'DELETE', 'hold'),
    dump: (ledger) => control(url, 'GET', ledger ? 'dump?ledger=1' : 'dump'),
    calls: () => control(url, 'GET', 'calls'),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
