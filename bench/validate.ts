/**
 * How long `playbook validate` takes on a valid playbook. With a built CLI
 * (dist/runner/cli.js) it times whole processes, start-up included; without one it times
 * `validateCommand` in process (the first, cold call includes loading zod, yaml and the registry).
 * Prints figures; never passes or fails on time.
 *
 *   node dist/bench/validate.js [playbook.yaml] [runs]      or      npx tsx bench/validate.ts
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { median } from './perf/median.js'

const CLI = 'dist/runner/cli.js'

/** A small valid playbook of ten route53.ttl steps, used when no file is given. */
const SAMPLE = `version: 1
name: bench
vars: { ttl: 60 }
environments:
  test: { region: us-east-1 }
steps:
${Array.from({ length: 10 }, (_, i) => `  - id: step-${i}
    type: route53.ttl
    with: { zone: example.com, ttl: "\${{ vars.ttl }}", names: [item-${i}] }
    when: "\${{ env.name }} == test"
    timeout: 5m`).join('\n')}
`

function stats(ms: number[]): string {
  return `median ${median(ms).toFixed(1)} ms, min ${Math.min(...ms).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms (${ms.length} runs)`
}

async function main(): Promise<void> {
  const runs = Number(process.argv[3] ?? 20)
  let file = process.argv[2]
  let env: string[] = []
  if (file === undefined) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-validate-'))
    file = path.join(dir, 'bench.yaml')
    await writeFile(file, SAMPLE)
    env = ['--env', 'test']
  }
  if (existsSync(CLI)) {
    const times: number[] = []
    let status: number | null = null
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now()
      const r = spawnSync(process.execPath, [CLI, 'validate', file, ...env], { encoding: 'utf8' })
      times.push(performance.now() - t0)
      status = r.status
      if (i === 0) process.stdout.write(`exit ${r.status}: ${(r.stdout + r.stderr).trim().split('\n')[0]}\n`)
    }
    process.stdout.write(`node ${CLI} validate ${file}: ${stats(times)}, last exit ${status}\n`)
    return
  }
  const t0 = performance.now()
  const { validateCommand } = await import('../runner/playbook/index.js')
  const opts = env.length ? { env: env[1] } : {}
  const first = await validateCommand(file, opts)
  const cold = performance.now() - t0
  process.stdout.write(`exit ${first.exitCode}: ${first.lines[0]}\n`)
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await validateCommand(file, opts)
    times.push(performance.now() - t)
  }
  process.stdout.write(`in-process validateCommand: cold ${cold.toFixed(1)} ms (imports included); warm ${stats(times)}\n`)
}

await main()
