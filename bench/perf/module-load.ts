/**
 * Module load time of a measured command: the median wall time of a fresh Node process that only
 * imports the modules the command loaded (the bundle's chunks, in load order; the entry, which
 * would run the CLI, is left out), minus that of `node -e 0`.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { median } from './median.js'

function medianMs(args: string[], runs: number): number {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    spawnSync(process.execPath, args, { stdio: 'ignore' })
    times.push(performance.now() - t0)
  }
  return median(times)
}

/** Median ms of `node -e 0` over `runs` processes. */
export const bareNodeMs = (runs: number) => medianMs(['-e', '0'], runs)

/** Ms to import the chunks listed in `modulesFile` alone, above a bare `node -e 0`; null without a list. */
export function moduleLoadMs(modulesFile: string | undefined, runs: number, bareMs: number): { ms: number; modules: number } | null {
  let urls: string[]
  try {
    const meta = JSON.parse(readFileSync(new URL('../../bundle/meta.json', import.meta.url), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> }
    const entry = Object.entries(meta.outputs).find(([, o]) => 'runner/cli.ts' in o.inputs)?.[0].replace(/^dist\//, '/dist/')
    urls = [...new Set(readFileSync(modulesFile ?? '', 'utf8').split('\n').filter((u) => u.includes('/dist/bundle/chunks/') && !(entry && u.endsWith(entry))))]
  } catch {
    return null
  }
  const script = `for (const u of ${JSON.stringify(urls)}) await import(u)`
  return { ms: Math.max(0, medianMs(['--input-type=module', '-e', script], runs) - bareMs), modules: urls.length }
}
