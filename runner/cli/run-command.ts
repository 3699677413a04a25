/**
 * `playbook plan <file>` and `playbook run <file>`: load (exit 2 on problems, before any client),
 * then plan (read-only clients, no lock) or run under the state's lock (local directory, or team
 * state on S3: see cli/state.ts).
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { dirname } from 'node:path'
import { createStepFiles } from '../clients/files.js'
import { newRunId } from '../journal/run-id.js'
import { run } from '../engine/execute.js'
import { plan } from '../engine/plan.js'
import { resumableRun, sourceRun } from '../engine/runs.js'
import { UsageError } from '../errors.js'
import { openEdge, type Edge } from './environment.js'
import { promptFor, type Io } from './io.js'
import { EXIT, checkSteps, fanOut, load, renderer, type GlobalOptions } from './shared.js'
import { openState } from './state.js'

export type RunFlags = {
  env?: string
  var?: string[]
  context?: string
  sandbox?: boolean
  dryRun?: boolean
  yes?: boolean
  from?: string
  only?: string
  force?: boolean
  skipTtlWait?: boolean
}

export async function runCommand(io: Io, g: GlobalOptions, file: string, flags: RunFlags, mode: 'plan' | 'run'): Promise<number> {
  flags = { ...flags, env: flags.env ?? (flags.sandbox ? await sandboxEnv(io, file) : undefined) }
  let loaded = await load(io, file, { env: flags.env, vars: flags.var })
  checkSteps(loaded.playbook, flags)
  const dry = mode === 'plan' || !!flags.dryRun
  const pauses = loaded.playbook.steps.filter((s) => s.when && s.pause !== undefined)
  if (!dry && pauses.length > 0 && !flags.yes && !io.stdinIsTTY) {
    throw new UsageError(`step ${pauses[0].id} asks for approval ("${pauses[0].pause}") but stdin is not a terminal; rerun with --yes to approve in advance`)
  }
  const options = { force: !!flags.force, skipTtlWait: !!flags.skipTtlWait, yes: !!flags.yes, dryRun: dry, from: flags.from, only: flags.only }
  const pb = loaded.playbook
  const state = await openState(io, g, { playbookState: pb.state, region: pb.env?.region, profile: pb.env?.profile, sandbox: !!flags.sandbox })
  const edgeOptions = { stateDir: g.stateDir, sandbox: !!flags.sandbox, region: pb.env?.region, profile: pb.env?.profile, context: flags.context ?? pb.env?.context }
  // Team state in the in-process sandbox lives in the sandbox's S3: it must be up for the lock.
  let early: Edge | undefined = state.remote && flags.sandbox ? await openEdge(io, { ...edgeOptions, playbookFile: file }) : undefined
  const r = await renderer(io, g, { interactive: !dry && !flags.yes && pauses.length > 0, verbosePlans: dry })
  // Otherwise the lock comes before the sandbox or any client: a second run must not touch anything.
  const command = ['run', file, ...(flags.env ? ['--env', flags.env] : [])].join(' ')
  const lock = dry ? undefined : await state.lock(r.emit, command).catch(async (e) => {
    await r.done()
    await early?.close()
    throw e
  })
  const journal = state.journal
  try {
    // A rollback playbook's steps read files (manifests) as the run it restores did.
    const source = pb.rollbackOf ? await sourceRun(journal, pb.rollbackOf, pb.env?.name ?? null) : undefined
    const playbookFile = source?.state.begin?.file ?? file
    const sandboxFirst = early
    // The lock lives in that sandbox: release it before the sandbox saves and stops.
    const edge = sandboxFirst
      ? { ...sandboxFirst, clients: { ...sandboxFirst.clients, files: () => createStepFiles(dirname(resolve(playbookFile))) }, close: async () => (await lock?.release(), await sandboxFirst.close()) }
      : await openEdge(io, { ...edgeOptions, playbookFile })
    early = undefined // closed with `edge` from here on
    r.useClock?.(edge.clock)
    try {
      const base = { journal, clock: edge.clock, registry: loaded.registry, clients: edge.clients, options, prompt: promptFor(io), source: { file: resolve(file), sha256: loaded.sha256 } }
      if (!lock) {
        const result = await plan(pb, { ...base, emit: r.emit })
        return result.ok ? EXIT.ok : EXIT.failed
      }
      // Pick the run id first so `${{ run.id }}` templates to the id the journal uses.
      const resumable = await resumableRun(journal, pb.name, pb.env?.name ?? null, loaded.sha256, pb.vars)
      // On the run's clock, as the journal's times are (the sandbox's clock on the sandbox).
      const runId = typeof resumable === 'object' ? resumable.runId : newRunId(edge.clock.now(), await journal.runs())
      loaded = await load(io, file, { env: flags.env, vars: flags.var, runId })
      // First Ctrl-C: stop after journaling the current step (resumable); a second one kills.
      const interrupt = new AbortController()
      const onSignal = () => {
        io.stderr('\ninterrupting: the current step is stopped and journaled; press Ctrl-C again to kill\n')
        interrupt.abort()
      }
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
      try {
        const result = await run(loaded.playbook, { ...base, runId, interrupt: interrupt.signal, emit: fanOut(r.emit, lock.onEvent) })
        return result.exitCode
      } finally {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
      }
    } finally {
      await edge.close()
    }
  } finally {
    await lock?.release()
    await early?.close()
    await r.done()
  }
}

/**
 * A rehearsal on the sandbox needs no --env: a playbook that declares a `test` environment
 * rehearses that one. Against real systems --env stays required (the loader says so).
 */
async function sandboxEnv(io: Io, file: string): Promise<string | undefined> {
  const { parse } = await import('yaml')
  let envs: unknown
  try {
    envs = (parse(await readFile(file, 'utf8')) as { environments?: unknown } | null)?.environments
  } catch {
    return undefined // the loader reports unreadable or invalid files with their positions
  }
  if (!envs || typeof envs !== 'object' || !Object.hasOwn(envs, 'test')) return undefined
  io.stderr('no --env given: --sandbox rehearses environment test (choose another with --env)\n')
  return 'test'
}
