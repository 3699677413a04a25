/** Median wall time of `playbook validate` over whole CLI processes (start-up included). */
import { spawnSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { median } from './median.js'

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

/** One whole process of `node ...args`, timed. */
export function timedNode(cwd: string, args: string[]): { ms: number; status: number | null } {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } })
  return { ms: performance.now() - t0, status: r.status }
}

/** The arguments of `playbook validate` of `file`. */
export const validateArgs = (cli: string, file: string) => [cli, 'validate', file, '--env', 'prod']

export async function validateMedian(cli: string, cwd: string, file: string, runs: number): Promise<ValidateFigure> {
  const times: number[] = []
  const ratios: number[] = []
  let exit: number | null = null
  for (let i = 0; i < runs; i++) {
    const bare = timedNode(cwd, ['-e', '0'])
    const r = timedNode(cwd, validateArgs(cli, file))
    times.push(r.ms)
    ratios.push(r.ms / bare.ms)
    exit = r.status
  }
  return { file, runs, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), exit, inTurnRatio: median(ratios) }
}
