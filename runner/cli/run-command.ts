/**
 * `playbook plan <file>` and `playbook run <file>`: load (exit 2 on problems, before any client),
 * then plan (read-only clients, no lock) or run under the state directory's lock.
 */
import { parse } from 'yaml'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { FileJournal } from '../journal/file.js'
import { newRunId } from '../journal/run-id.js'
import { acquireLock } from '../lock.js'
import { run } from '../engine/execute.js'
import { plan } from '../engine/plan.js'
import { resumableRun, sourceRun } from '../engine/runs.js'
import { UsageError } from '../errors.js'
import { openEdge } from './environment.js'
import { promptFor, type Io } from './io.js'
import { EXIT, checkSteps, fanOut, load, renderer, type GlobalOptions } from './shared.js'

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
  const r = await renderer(io, g, { interactive: !dry && !flags.yes && pauses.length > 0, verbosePlans: dry })
  // The lock comes before the sandbox or any client: a second run must not touch anything.
  const lock = dry ? undefined : await acquireLock(g.stateDir, r.emit).catch(async (e) => {
    await r.done()
    throw e
  })
  const journal = new FileJournal(g.stateDir)
  try {
    // A rollback playbook's steps read files (manifests) as the run it restores did.
    const source = pb.rollbackOf ? await sourceRun(journal, pb.rollbackOf, pb.env?.name ?? null) : undefined
    const edge = await openEdge(io, { stateDir: g.stateDir, playbookFile: source?.state.begin?.file ?? file, sandbox: !!flags.sandbox, region: pb.env?.region, profile: pb.env?.profile, context: flags.context ?? pb.env?.context })
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
    await r.done()
  }
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
