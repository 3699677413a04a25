/**
 * The benchmark: the switchover and its rollback on (a) a 200-record zone with 20 ECS rules and
 * 20 CronJobs and (b) 2,000 records over 4 zones, 300 rules + schedules and 300 CronJobs
 * (fixtures/generate-bench.ts), each through the built CLI against an in-process sandbox. For
 * each: API calls by service and operation, the minimum the estate needs (bench/perf/minimum.ts
 * says how it is counted), their ratio, Route 53 change batches per zone and DNS step, wall time
 * (waits are virtual, so it excludes them), virtual time waited and peak RSS of the CLI process.
 * Also the median wall time of `playbook validate` on the reference playbook.
 *
 *   npm run bench [-- --json] [--only medium|large] [--validate-runs 10]
 *
 * Prints figures; never passes or fails on time. Exits 1 only if a run or rollback did not
 * finish or did not restore the seed, since then the figures mean nothing.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { benchManifests, benchPlaybook, benchScenario, type BenchScenario, type BenchSize } from '../fixtures/generate-bench.js'
import { canonicalJson, startSandbox } from '../sandbox/index.js'
import { measureCli, type Measured } from './perf/measure.js'
import { minimumCalls, type Minimum } from './perf/minimum.js'
import { formatReport, type PhaseReport, type ScenarioReport } from './perf/report.js'
import { median } from './perf/median.js'
import { timedNode, validateArgs, validateMedian, type ValidateFigure } from './perf/validate-median.js'
import { bareNodeMs, moduleLoadMs } from './perf/module-load.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
// The shipped CLI: the bundle (build/bundle.ts), as `npx playbook` runs it.
const CLI = join(ROOT, 'dist/bundle/playbook.js')

const { values: flags } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
    'validate-runs': { type: 'string', default: '10' },
  },
})

const bare = { ms: 0 }

function phaseReport(m: Measured, min: Minimum): PhaseReport {
  const byOp: Record<string, { mutating: boolean; calls: number; refused: number }> = {}
  for (const c of m.calls) {
    if (c.service === 'control') continue
    // Keyed by kind too: a Kubernetes dry-run apply is the read of a write operation.
    const k = `${c.service} ${c.operation}${c.mutating ? ' (write)' : ''}`
    byOp[k] ??= { mutating: c.mutating, calls: 0, refused: 0 }
    byOp[k].calls += 1
    if (c.status >= 300) byOp[k].refused += 1
  }
  const total = Object.values(byOp).reduce((n, o) => n + o.calls, 0)
  return {
    exit: m.exit,
    calls: byOp,
    total,
    mutating: Object.values(byOp).filter((o) => o.mutating).reduce((n, o) => n + o.calls, 0),
    minimum: min,
    ratio: total / min.total,
    wallMs: m.wallMs,
    virtualMs: m.virtualMs,
    maxRssMiB: m.maxRssKiB === null ? null : m.maxRssKiB / 1024,
    runnerCpuMs: m.runnerCpuMs,
    sandboxCpuMs: m.sandboxCpuMs,
    time: {
      moduleLoadMs: moduleLoadMs(m.modulesFile, 3, bare.ms)?.ms ?? null,
      roundTripMs: m.roundTripMs,
      requests: m.requests,
      fsyncMs: m.fsyncMs,
      fsyncs: m.fsyncs,
    },
  }
}

async function scenario(sc: BenchScenario): Promise<ScenarioReport> {
  const dir = await mkdtemp(join(tmpdir(), `bench-${sc.name}-`))
  await mkdir(join(dir, 'manifests'))
  for (const [file, text] of Object.entries(benchManifests(sc))) await writeFile(join(dir, 'manifests', file), text)
  const playbook = join(dir, 'switchover.yaml')
  await writeFile(playbook, benchPlaybook(sc))
  const sb = await startSandbox({ estate: sc.estate, stateDir: join(dir, 'sandbox'), config: { route53ChangeDelayMs: sc.route53ChangeDelayMs } })
  try {
    const seed = canonicalJson(sb.dump())
    const stateDir = join(dir, 'state')
    const common = { cwd: ROOT, scratch: dir }
    const run = await measureCli(sb, CLI, ['run', playbook, '--yes', '--state-dir', stateDir, '--output', 'json'], common)
    const rollback = await measureCli(sb, CLI, ['rollback', '--last', '--yes', '--state-dir', stateDir, '--output', 'json'], common)
    const restored = canonicalJson(sb.dump()) === seed
    const problems: string[] = []
    if (run.exit !== 0) problems.push(`run exited ${run.exit}: ${run.output.trim().split('\n').slice(-3).join(' | ')}`)
    if (rollback.exit !== 0) problems.push(`rollback exited ${rollback.exit}: ${rollback.output.trim().split('\n').slice(-3).join(' | ')}`)
    if (!restored) problems.push('the rollback did not restore the seed dump')
    return {
      name: sc.name,
      title: sc.title,
      dir,
      run: phaseReport(run, minimumCalls(sc, 'run')),
      rollback: phaseReport(rollback, minimumCalls(sc, 'rollback')),
      route53Batches: {
        expected: sc.zones.length * (sc.awsOnly ? 2 : 2 + sc.stages.length),
        actual: run.calls.filter((c) => c.service === 'route53' && c.operation === 'ChangeResourceRecordSets' && c.status < 300).length,
      },
      restored,
      problems,
    }
  } finally {
    await sb.stop()
  }
}

/**
 * `playbook plan` of the reference playbook on the reference estate: the median wall time of runs
 * without the probe (as `validate` is timed), and the median round-trip time and the calls of as
 * many runs with it, taken in turn.
 */
async function planMedian(runs: number): Promise<NonNullable<ValidateFigure['plan']>> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-plan-'))
  const sb = await startSandbox({ stateDir: join(dir, 'sandbox') })
  try {
    const args = ['plan', join(ROOT, 'playbooks/switchover.yaml'), '--env', 'test', '--state-dir', join(dir, 'state')]
    const plain: Measured[] = []
    const probed: Measured[] = []
    // A validate in each turn too: the ratio of each turn's three runs, whose median holds when
    // the machine's speed drifts between the separate medians.
    const ratios: number[] = []
    for (let i = 0; i < runs; i++) {
      const validate = timedNode(ROOT, validateArgs(CLI, join(ROOT, 'playbooks/switchover.yaml'))).ms
      plain.push(await measureCli(sb, CLI, args, { cwd: ROOT, scratch: dir, probe: false }))
      probed.push(await measureCli(sb, CLI, args, { cwd: ROOT, scratch: dir }))
      ratios.push(plain.at(-1)!.wallMs / (validate + (probed.at(-1)!.roundTripMs ?? 0)))
    }
    return { runs, medianMs: median(plain.map((m) => m.wallMs)), probedMedianMs: median(probed.map((m) => m.wallMs)), roundTripMs: median(probed.map((m) => m.roundTripMs ?? 0)), inTurnRatio: median(ratios), calls: probed[0]!.calls.filter((c) => c.service !== 'control').length, exit: plain.find((m) => m.exit !== 0)?.exit ?? probed[0]!.exit }
  } finally {
    await sb.stop()
  }
}

async function main(): Promise<number> {
  bare.ms = bareNodeMs(9)
  const sizes: BenchSize[] = flags.only ? [flags.only as BenchSize] : ['medium', 'large', 'aws']
  const reports: ScenarioReport[] = []
  for (const size of sizes) {
    reports.push(await scenario(benchScenario(size)))
  }
  const validate = await validateMedian(CLI, ROOT, join(ROOT, 'playbooks/switchover.yaml'), Number(flags['validate-runs']))
  validate.bareNodeMs = bareNodeMs(9)
  validate.plan = await planMedian(Number(flags['validate-runs']))
  process.stdout.write(flags.json ? JSON.stringify({ scenarios: reports, validate }, null, 2) + '\n' : formatReport(reports, validate))
  return reports.every((r) => r.problems.length === 0) ? 0 : 1
}

process.exitCode = await main()
