/**
 * One measured CLI invocation against an in-process sandbox: the calls it made (from the
 * sandbox's calls log), its real wall time, the virtual time it waited, its peak RSS and its exit.
 * Waits are virtual (the runner's clock advances the sandbox through its control API), so the
 * wall time is the time the tool itself took, start-up included.
 */
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { RunningSandbox } from '../../sandbox/index.js'
import type { CallRecord } from '../../sandbox/types.js'

export type Measured = {
  exit: number | string
  calls: CallRecord[]
  wallMs: number
  virtualMs: number
  maxRssKiB: number | null
  /** CPU time of the CLI process, and of this process (the in-process sandbox serving it). */
  runnerCpuMs: number | null
  sandboxCpuMs: number
  /** Wall time with at least one API request in flight, and the requests made. */
  roundTripMs: number | null
  requests: number | null
  /** Time in fsync/fdatasync (journal, lock) and how many. */
  fsyncMs: number | null
  fsyncs: number | null
  /** The list of modules the process loaded (for bench/perf/module-load.ts). */
  modulesFile?: string
  output: string
}

type Probe = { maxRssKiB: number; cpuMs: number; roundTripMs: number; requests: number; fsyncMs: number; fsyncs: number; modulesFile: string }

const PROBE = pathToFileURL(fileURLToPath(new URL('./rss-probe.js', import.meta.url))).href

/**
 * `probe: false` runs the CLI without the probe (no RSS, CPU, round-trip or module figures), for a
 * wall time measured as `playbook validate`'s is: the probe's hooks add about a tenth to a plan.
 */
export async function measureCli(sb: RunningSandbox, cli: string, args: string[], o: { cwd: string; scratch: string; env?: Record<string, string>; probe?: boolean }): Promise<Measured> {
  const rssFile = join(o.scratch, `rss-${Date.now()}-${Math.random().toString(36).slice(2)}.json`)
  const env = { ...process.env, ...sb.env, ...o.env, NODE_NO_WARNINGS: '1', BENCH_RSS_FILE: rssFile }
  const before = sb.calls().length
  const v0 = sb.core.time.now()
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const child = spawn(process.execPath, [...(o.probe === false ? [] : ['--import', PROBE]), cli, ...args], { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-50_000))
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const exit = await new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')))
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const probe = await readFile(rssFile, 'utf8').then((t) => JSON.parse(t) as Probe, () => null)
  return {
    exit,
    calls: sb.calls().slice(before),
    wallMs,
    virtualMs: sb.core.time.now() - v0,
    maxRssKiB: probe?.maxRssKiB ?? null,
    runnerCpuMs: probe?.cpuMs ?? null,
    sandboxCpuMs: (cpu.user + cpu.system) / 1000,
    roundTripMs: probe?.roundTripMs ?? null,
    requests: probe?.requests ?? null,
    fsyncMs: probe?.fsyncMs ?? null,
    fsyncs: probe?.fsyncs ?? null,
    modulesFile: probe?.modulesFile,
    output,
  }
}
