/**
 * Kill-point harness (invariant 4): for every mutating call k of a clean run of the playbook (the
 * reference by default), twice (the runner killed with SIGKILL while call k is in flight, and
 * right after call k returned), and during every gate of a staged shift (the gate's check held
 * unanswered), a rerun must finish (exit 0), a rollback must finish (exit 0), the estate must equal
 * the seed, the cron ledger must show no scheduled time run twice or on both platforms, and every
 * stage of a staged shift but the last must have passed its gate while the records (or the mesh
 * object) were at that stage (a resumed stage is finished and gated, not skipped).
 *
 * The gates of weighted `route53.records` steps and of `mesh.shift` steps are replaced by an HTTP
 * gate on the harness's own gate server (bench/kill/gated-playbook.ts), which sees the stage at
 * each check and can hold one.
 *
 * `playbook sandbox serve` runs in processes of its own (one per worker); the runner reaches it
 * through the serve exports, so its waits stay virtual (remote clock). The hold of the sandbox's
 * control API (sandbox/hold.ts) stops the sandbox at call k so the kill lands exactly there.
 *
 * With `--state s3://switchover-state/kill` the journal and lock are team state in the sandbox's
 * S3 (one prefix per kill point): every journal PUT is a mutating call too, so the runner is also
 * killed while each PUT is in flight and right after it returned. A killed runner leaves its lock
 * behind with a live heartbeat; the harness then does what a teammate would: `unlock --force`
 * with the lock id the refused rerun names, and reruns.
 *
 *   npm run test:kill [-- --jobs 2] [--points 3,7] [--phase in-flight|after|gate] [--env prod] [--state s3://BUCKET/PREFIX]
 *                     [--playbook playbooks/multi-cluster.yaml]
 *
 * `--env` defaults to the playbook's `prod` environment (else its first; none for a playbook without
 * environments, whose steps name their targets: `aws: ecs`, `cluster: eks`).
 *
 * Prints the number of kill points and how many passed; exits 1 if any failed.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import type { HoldPhase } from '../sandbox/hold.js'
import { S3Journal } from '../runner/journal/s3.js'
import { parseStateUrl } from '../runner/state/location.js'
import { S3Store } from '../runner/state/s3-store.js'
import { differences, doubleRuns, ledgerOf, ungatedStages, ungatedSwitches } from './kill/checks.js'
import { runCli, startCli } from './kill/cli-process.js'
import { GATE_VAR, gatedPlaybook, type WeightedStep } from './kill/gated-playbook.js'
import { startGateServer, type GateServer } from './kill/gate-server.js'
import { startServe, type ServeProcess } from './kill/serve-process.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CLI = join(ROOT, 'dist/runner/cli.js')
/** Real-time limit of one runner invocation (waits are virtual; a run takes seconds). */
const STEP_LIMIT_MS = 180_000

/** `env`: the --env of every run (null for a playbook without environments, e.g. one of named targets only). */
type Setup = { playbook: string; env: string | null; work: string; credentials: Record<string, string>; gate: GateServer | null; weighted: WeightedStep[] }
/** Killed at mutating call k (phase in-flight or after), or during the k-th gate check (phase gate). */
type Point = { k: number; phase: HoldPhase | 'gate'; call: string }
/** A sandbox and its lane on the gate server. */
type Lane = { serve: ServeProcess; lane: number }
type Outcome = Point & { ok: boolean; reached: boolean; ms: number; problems: string[] }

const { values: flags } = parseArgs({
  options: {
    jobs: { type: 'string', default: '2' },
    points: { type: 'string' },
    phase: { type: 'string' },
    env: { type: 'string' },
    playbook: { type: 'string', default: join(ROOT, 'playbooks/switchover.yaml') },
    state: { type: 'string' },
  },
})

/** A check at the last stage is one of the bake's (a step without a bake checks no gate there). */
const gateLabel = (w: WeightedStep, stage: number) => (stage === w.stages.at(-1) ? `gate during the bake at ${stage}%` : `gate after the ${stage}% stage`)

/** Team state of one kill point (a prefix of its own under --state), or none: the local state directory. */
const stateArgs = (stateDir: string) => (flags.state ? ['--state', `${flags.state.replace(/\/+$/, '')}/${stateDir.split('/').at(-1)}`] : [])

/** Environment of a runner against `serve`: the serve exports, and dummy credentials for the playbook's profiles. */
function runnerEnv(serve: ServeProcess, setup: Setup): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_') && k !== 'KUBECONFIG') env[k] = v
  // The playbook's environment names an AWS profile: its keys come from the credentials file, not the serve exports.
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...endpoints } = serve.env
  return { ...env, ...endpoints, ...setup.credentials, NODE_NO_WARNINGS: '1' }
}

// Under serve the runner ignores the playbook's contexts: the default cluster is the kubeconfig's
// current context (`sandbox`), and a named cluster (`cluster: legacy`) is serve's context of that name.
const runArgs = (s: Setup, stateDir: string, lane: number) => [
  'run', s.playbook, ...(s.env === null ? [] : ['--env', s.env]), '--yes', '--state-dir', stateDir, ...stateArgs(stateDir), '--output', 'json',
  ...(s.gate ? ['--var', `${GATE_VAR}=${s.gate.url(lane)}`] : []),
]
const rollbackArgs = (stateDir: string) => ['rollback', '--last', '--yes', '--state-dir', stateDir, ...stateArgs(stateDir), '--output', 'json']

/** Journal lines of every run of the point: local files, or the S3 journal of its prefix. */
async function journalsOf(serve: ServeProcess, stateDir: string): Promise<Array<{ name: string; lines: any[] }>> {
  const args = stateArgs(stateDir)
  if (args.length) {
    const journal = new S3Journal(new S3Store(parseStateUrl(args[1]!, '--state'), { env: serve.env }))
    return Promise.all((await journal.runs()).map(async (id) => ({ name: args[1] + '/runs/' + id, lines: await journal.read(id) })))
  }
  const files = (await readdir(join(stateDir, 'runs')).catch(() => [] as string[])).filter((f) => f.endsWith('.jsonl'))
  return Promise.all(files.map(async (file) => ({ name: file, lines: (await readFile(join(stateDir, 'runs', file), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l)) })))
}

/** Run the CLI to its end, killed (and reported) if it outlives STEP_LIMIT_MS. */
async function runBounded(what: string, args: string[], env: Record<string, string>): Promise<{ code: number | string; output: string }> {
  const p = startCli(CLI, args, { cwd: ROOT, env })
  const timer = setTimeout(() => p.kill(), STEP_LIMIT_MS)
  try {
    const code = await p.exit
    if (code === 'SIGKILL') throw new Error(`${what} took longer than ${STEP_LIMIT_MS / 1000} s and was killed:\n      ${tail(p.output())}`)
    return { code, output: p.output() }
  } finally {
    clearTimeout(timer)
  }
}

const tail = (text: string) => text.trim().split('\n').slice(-6).join('\n      ')

/** Rerun, roll back, and compare with the seed; returns the problems found. */
async function finishAndCheck({ serve, lane }: Lane, setup: Setup, stateDir: string, seed: unknown): Promise<string[]> {
  const problems: string[] = []
  const env = runnerEnv(serve, setup)
  let rerun = await runBounded('rerun', runArgs(setup, stateDir, lane), env)
  const lockId = /lock id ([0-9a-f-]{36})/.exec(rerun.output)?.[1]
  if (rerun.code === 4 && flags.state && lockId) {
    // The killed runner's team-state lock: break it as a teammate would, then rerun.
    const unlock = await runBounded('unlock', ['unlock', lockId, '--force', '--state-dir', stateDir, ...stateArgs(stateDir)], env)
    if (unlock.code !== 0) problems.push(`unlock exited ${unlock.code}:\n      ${tail(unlock.output)}`)
    rerun = await runBounded('rerun', runArgs(setup, stateDir, lane), env)
  }
  await writeFile(join(stateDir, 'rerun.log'), rerun.output)
  if (rerun.code !== 0) problems.push(`rerun exited ${rerun.code} (${join(stateDir, 'rerun.log')}):\n      ${tail(rerun.output)}`)
  if (setup.gate) for (const w of setup.weighted) problems.push(...ungatedStages(setup.gate.passed(lane), w).map((u) => `gate: ${u}`))
  for (const { name, lines } of await journalsOf(serve, stateDir)) {
    for (const u of ungatedSwitches(lines)) problems.push(`TTL gate (${name}): ${u}`)
  }
  const rb = await runBounded('rollback', rollbackArgs(stateDir), env)
  await writeFile(join(stateDir, 'rollback.log'), rb.output)
  if (rb.code !== 0) problems.push(`rollback exited ${rb.code} (${join(stateDir, 'rollback.log')}):\n      ${tail(rb.output)}`)
  const diff = differences(await serve.dump(), seed)
  if (diff.length) problems.push(`dump differs from the seed: ${diff.join('; ')}`)
  // The ledger only grows: after the rollback it holds the launches of the way forward and back.
  for (const d of doubleRuns(ledgerOf(await serve.dump(true)))) problems.push(`cron ledger: ${d}`)
  return problems
}

async function killPoint(lane: Lane, setup: Setup, seed: unknown, point: Point): Promise<Outcome> {
  const { serve } = lane
  const t0 = performance.now()
  const problems: string[] = []
  await serve.reset()
  const stateDir = await mkdtemp(join(setup.work, `k${point.k}-${point.phase}-`))
  const atGate = point.phase === 'gate'
  setup.gate?.reset(lane.lane, atGate ? point.k : undefined)
  if (point.phase !== 'gate') await serve.hold({ mutatingIndex: point.k, phase: point.phase })
  const runner = startCli(CLI, runArgs(setup, stateDir, lane.lane), { cwd: ROOT, env: runnerEnv(serve, setup) })
  let exited: number | string | undefined
  void runner.exit.then((c) => (exited = c))
  let reached = false
  const deadline = Date.now() + STEP_LIMIT_MS
  const holding = async () => (atGate ? setup.gate!.reached(lane.lane) : (await serve.holdStatus()).reached)
  while (exited === undefined && Date.now() < deadline && !(reached = await holding())) await new Promise((r) => setTimeout(r, 10))
  runner.kill()
  await runner.exit
  setup.gate?.release(lane.lane)
  await serve.release()
  await writeFile(join(stateDir, 'killed.log'), runner.output())
  // The last call of a run has no request after it: the runner ends on its own; that point is the finished run.
  if (!reached && !(point.phase === 'after' && exited === 0)) problems.push(`hold never reached (runner exit ${exited ?? 'none'}):\n      ${tail(runner.output())}`)
  try {
    problems.push(...(await finishAndCheck(lane, setup, stateDir, seed)))
  } catch (e) {
    problems.push((e as Error).message)
  }
  return { ...point, ok: problems.length === 0, reached, ms: performance.now() - t0, problems }
}

async function referenceRun({ serve, lane }: Lane, setup: Setup): Promise<{ seed: unknown; mutating: string[]; gates: number[] }> {
  await serve.reset()
  const seed = await serve.dump()
  const before = (await serve.calls()).length
  const stateDir = await mkdtemp(join(setup.work, 'reference-'))
  setup.gate?.reset(lane)
  const r = await runCli(CLI, runArgs(setup, stateDir, lane), { cwd: ROOT, env: runnerEnv(serve, setup) })
  if (r.code !== 0) throw new Error(`the clean reference run exited ${r.code}; fix it before killing it:\n${r.output}`)
  const mutating = (await serve.calls()).slice(before)// Counted as the hold counts them: applied (2xx) mutating service calls.
    .filter((c) => c.mutating && c.service !== 'control' && c.status < 300).map((c) => `${c.service}:${c.operation}`)
  const rb = await runCli(CLI, rollbackArgs(stateDir), { cwd: ROOT, env: runnerEnv(serve, setup) })
  const diff = differences(await serve.dump(), seed)
  if (rb.code !== 0 || diff.length) throw new Error(`the clean run's rollback exited ${rb.code}${diff.length ? `, dump differs: ${diff.join('; ')}` : ''}:\n${rb.output}`)
  return { seed, mutating, gates: setup.gate?.passed(lane) ?? [] }
}

async function main(): Promise<number> {
  const t0 = performance.now()
  const work = await mkdtemp(join(tmpdir(), 'kill-points-'))
  const credentialsFile = join(work, 'credentials')
  // Any profile an environment names resolves to dummy keys; the endpoints are the sandbox's.
  await writeFile(credentialsFile, ['prod', 'test', 'default'].map((p) => `[${p}]\naws_access_key_id=sandbox\naws_secret_access_key=sandbox\n`).join(''))
  await writeFile(join(work, 'config'), '')
  // Absolute: the gated copy links the playbook's directory and its parent.
  const original = resolve(flags.playbook!)
  const gated = await gatedPlaybook(original, work)
  const jobs = Math.max(1, Number(flags.jobs))
  const serves = await Promise.all(Array.from({ length: jobs }, (_, i) => startServe(CLI, ROOT, join(work, `serve-${i}`))))
  // One staged step is what the gate server tells stages of (the reference and the multi-cluster playbook have one).
  const gate = gated.weighted[0] ? await startGateServer(gated.weighted[0], serves.map((s) => () => s.dump())) : null
  const setup: Setup = {
    playbook: gated.weighted.length > 0 ? gated.file : original, env: flags.env ?? (gated.environments.includes('prod') ? 'prod' : (gated.environments[0] ?? null)), work, gate, weighted: gated.weighted.slice(0, 1),
    credentials: { AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_CONFIG_FILE: join(work, 'config') },
  }
  const lanes: Lane[] = serves.map((serve, lane) => ({ serve, lane }))
  try {
    const { seed, mutating, gates } = await referenceRun(lanes[0]!, setup)
    process.stdout.write(`reference run: ${mutating.length} mutating calls: ${mutating.join(', ')}; ${gates.length} gate checks (at ${gates.map((g) => `${g}%`).join(', ') || '-'})\n`)
    const only = flags.points ? new Set(flags.points.split(',').map(Number)) : null
    const phases = (flags.phase ? [flags.phase] : ['in-flight', 'after', 'gate']) as Point['phase'][]
    const holds = phases.filter((p): p is HoldPhase => p !== 'gate')
    const queue: Point[] = [
      ...mutating.flatMap((call, i) => (only && !only.has(i + 1) ? [] : holds.map((phase) => ({ k: i + 1, phase, call })))),
      ...(phases.includes('gate') ? gates.map((stage, i) => ({ k: i + 1, phase: 'gate' as const, call: `${setup.weighted[0]!.step}: ${gateLabel(setup.weighted[0]!, stage)}` })) : []),
    ]
    const total = queue.length
    const outcomes: Outcome[] = []
    await Promise.all(
      lanes.map(async (lane) => {
        for (let p = queue.shift(); p; p = queue.shift()) {
          const o = await killPoint(lane, setup, seed, p)
          outcomes.push(o)
          process.stdout.write(`${o.ok ? 'pass' : 'FAIL'} k=${o.k} ${o.phase.padEnd(9)} ${o.call}${o.reached ? '' : ' (runner finished first)'} ${(o.ms / 1000).toFixed(1)} s\n`)
          for (const problem of o.problems) process.stdout.write(`    ${problem}\n`)
        }
      }),
    )
    const passed = outcomes.filter((o) => o.ok).length
    const seconds = (performance.now() - t0) / 1000
    const gatePoints = outcomes.filter((o) => o.phase === 'gate').length
    process.stdout.write(`\nkill points: ${total} (${mutating.length} mutating calls x ${holds.length} + ${gatePoints} gates), passed: ${passed}, failed: ${total - passed}; ${seconds.toFixed(0)} s with ${jobs} sandbox${jobs > 1 ? 'es' : ''}\n`)
    return passed === total ? 0 : 1
  } finally {
    await Promise.all(serves.map((s) => s.stop()))
    await gate?.stop()
  }
}

process.exitCode = await main().catch((e: unknown) => {
  process.stderr.write(`kill-point harness: ${(e as Error).message}\n`)
  return 1
})
