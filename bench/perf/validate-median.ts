/** Median wall time of `playbook validate` over whole CLI processes (start-up included). */
import { spawnSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'

export type ValidateFigure = {
  file: string
  runs: number
  medianMs: number
  minMs: number
  maxMs: number
  exit: number | null
  /** Median of a bare `node -e 0`, measured in the same benchmark run (the goal: validate within 3x). */
  bareNodeMs?: number
  /** Median over runs of validate / a `node -e 0` run just before it: holds when the machine's speed drifts. */
  inTurnRatio?: number
  /** `plan` of the same playbook on the reference sandbox (the goal: within 2x of validate + round-trips). */
  plan?: { runs: number; medianMs: number; probedMedianMs?: number; roundTripMs: number; inTurnRatio?: number; calls: number; exit: number | string }
}

export async function validateMedian(cli: string, cwd: string, file: string, runs: number): Promise<ValidateFigure> {
  const times: number[] = []
  const ratios: number[] = []
  let exit: number | null = null
  const timed = (args: string[]) => {
    const t0 = performance.now()
    const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } })
    return { ms: performance.now() - t0, status: r.status }
  }
  for (let i = 0; i < runs; i++) {
    const bare = timed(['-e', '0'])
    const r = timed([cli, 'validate', file, '--env', 'prod'])
    times.push(r.ms)
    ratios.push(r.ms / bare.ms)
    exit = r.status
  }
  const s = [...times].sort((a, b) => a - b)
  const mid = s.length >> 1
  const medianMs = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
  const r = [...ratios].sort((a, b) => a - b)
  const inTurnRatio = r.length % 2 ? r[mid]! : (r[mid - 1]! + r[mid]!) / 2
  return { file, runs, medianMs, minMs: s[0]!, maxMs: s.at(-1)!, exit, inTurnRatio }
}
