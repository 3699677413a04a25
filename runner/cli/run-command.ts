/**
 * `playbook plan <file>` and `playbook run <file>`: load (exit 2 on problems, before any client),
 * then plan (read-only clients, no lock) or run under the state's lock (local directory, or team
 * state on S3: see cli/state.ts).
 */
import { parse } from 'yaml'
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
import type { Emit } from '../events.js'
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
  let loaded = await load(io, g, file, { env: flags.env, vars: flags.var })
  checkSteps(loaded.playbook, flags)
  const dry = mode === 'plan' || !!flags.dryRun
  const pauses = loaded.playbook.steps.filter((s) => s.when && s.pause !== undefined)
  if (!dry && pauses.length > 0 && !flags.yes && !io.stdinIsTTY) {
    throw new UsageError(`step ${pauses[0].id} asks for approval ("${pauses[0].pause}") but stdin is not a terminal; rerun with --yes to approve in advance`)
  }
  const options = { force: !!flags.force, skipTtlWait: !!flags.skipTtlWait, yes: !!flags.yes, dryRun: dry, from: flags.from, only: flags.only }
  const pb = loaded.playbook
  const state = await openState(io, g, { playbookState: pb.state, region: pb.env?.region, profile: pb.env?.profile, sandbox: !!flags.sandbox })
  const edgeOptions = { stateDir: g.stateDir, sandbox: !!flags.sandbox, region: pb.env?.region, profile: pb.env?.profile, context: flags.context ?? pb.env?.context, targets: pb.targets }
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
    let closing: Promise<void> | undefined
    const closeEdge = () => (closing ??= edge.close())
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
      loaded = await load(io, g, file, { env: flags.env, vars: flags.var, runId })
      // A second Ctrl-C still saves the in-process sandbox and releases the lock.
      const cleanup = async () => {
        await Promise.allSettled([closeEdge(), lock.release()])
      }
      const stop = ctrlC(io, runId, cleanup)
      try {
        const result = await run(loaded.playbook, { ...base, runId, interrupt: stop.signal, emit: fanOut(r.emit, lock.onEvent, stop.onEvent) })
        // Ctrl-C at an approval prompt refuses it; the run is then interrupted, not declined.
        return result.status === 'declined' && stop.signal.aborted ? EXIT.interrupted : result.exitCode
      } finally {
        // Cleaned up while the run's handler is set, so a Ctrl-C meanwhile does the same cleanup
        // (failures surface below, where the edge is closed again and the lock released again).
        await cleanup()
        stop.off()
      }
    } finally {
      await closeEdge()
    }
  } finally {
    await lock?.release()
    await early?.close()
    await r.done()
  }
}

/**
 * Ctrl-C during a run. The first stops the current step, journals it and ends the run open
 * (nothing rolled back; a rerun resumes it); the engine then returns exit 130. A second one
 * stops at once with the same code, after `cleanup` (bounded: it must not hang).
 */
function ctrlC(io: Io, runId: string, cleanup: () => Promise<void>): { signal: AbortSignal; onEvent: Emit; off: () => void } {
  const interrupt = new AbortController()
  let step: string | undefined
  let presses = 0
  const off = io.onInterrupt?.(() => {
    if (++presses === 1) {
      const where = step === undefined ? 'before its next step' : `in step ${step}, once that step is journaled`
      io.stderr(`\ninterrupted: run ${runId} stops ${where} (nothing is rolled back); rerun the same command to resume it, or \`playbook rollback ${runId}\` to undo it; Ctrl-C again stops at once\n`)
      interrupt.abort()
      return
    }
    io.stderr(`stopped at once (exit ${EXIT.interrupted}); rerun the same command to resume run ${runId}\n`)
    void Promise.race([cleanup(), new Promise((r) => setTimeout(r, 2000))]).finally(() => io.exitNow?.(EXIT.interrupted))
  })
  const onEvent: Emit = (e) => {
    if (e.kind === 'step-start') step = e.step
  }
  return { signal: interrupt.signal, onEvent, off: () => off?.() }
}

/**
 * A rehearsal on the sandbox needs no --env: a playbook that declares a `test` environment
 * rehearses that one. Against real systems --env stays required (the loader says so).
 */
async function sandboxEnv(io: Io, file: string): Promise<string | undefined> {
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
