/**
 * `playbook rollback [run-id] [--last]` undoes a run from its journal (under the lock, after an
 * approval unless --yes); `playbook rollback --generate <file>` prints the rollback playbook.
 */
import { parse } from 'yaml'
import { readFile } from 'node:fs/promises'
import { generateRollback } from '../engine/generate.js'
import { resolveRun, rollback } from '../engine/rollback.js'
import { UsageError } from '../errors.js'
import { edgeClients, openEdge, type Edge } from './environment.js'
import { promptFor, type Io } from './io.js'
import { EXIT, fanOut, load, renderer, type GlobalOptions } from './shared.js'
import { openState, type StateBackend } from './state.js'

export type RollbackFlags = {
  last?: boolean
  force?: boolean
  yes?: boolean
  generate?: string
  env?: string
  var?: string[]
  sandbox?: boolean
  context?: string
}

export async function rollbackCommand(io: Io, g: GlobalOptions, runId: string | undefined, flags: RollbackFlags): Promise<number> {
  if (flags.generate !== undefined) {
    if (runId !== undefined || flags.last) throw new UsageError('rollback --generate takes a playbook file, not a run id')
    // Templated params are kept as written, so any environment serves to resolve the file.
    const env = flags.env ?? (await firstEnvironment(flags.generate))
    const loaded = await load(io, g, flags.generate, { env, vars: flags.var })
    io.stdout(generateRollback(loaded.playbook, loaded.registry, loaded.text))
    return EXIT.ok
  }
  if (runId !== undefined && flags.last) throw new UsageError('give a run id or --last, not both')
  if (runId === undefined && !flags.last) throw new UsageError('which run? give a run id (see `playbook history`) or --last')
  const target = runId ?? 'last'
  const state = await openState(io, g, { sandbox: !!flags.sandbox })
  // Team state in the in-process sandbox: the sandbox (and its S3) must be up to read the journal.
  const early = state.remote && flags.sandbox ? await openEdge(io, { stateDir: g.stateDir, sandbox: true }) : undefined
  try {
    return await rollbackWith(io, g, state, target, flags, early)
  } finally {
    await early?.close()
  }
}

async function rollbackWith(io: Io, g: GlobalOptions, state: StateBackend, target: string, flags: RollbackFlags, early: Edge | undefined): Promise<number> {
  const journal = state.journal
  const found = await resolveRun(journal, target)
  if (!flags.yes) {
    if (!io.stdinIsTTY) throw new UsageError(`rolling back run ${found.runId} needs approval but stdin is not a terminal; rerun with --yes`)
    const why = found.pick ? ` (--last: ${found.pick.reason})` : ''
    if (!(await promptFor(io)(`Roll back run ${found.runId} (${found.state.begin?.playbook})${why}?`))) {
      io.stderr('rollback not approved; nothing was changed\n')
      return EXIT.failed
    }
  }
  const r = await renderer(io, g, { interactive: false })
  const lock = await state.lock(r.emit, `rollback ${found.runId}`).catch(async (e) => {
    await r.done()
    throw e
  })
  try {
    const where = found.state.begin?.where ?? {}
    const file = found.state.begin?.file
    const edgeOptions = { stateDir: g.stateDir, ...(file !== undefined ? { playbookFile: file } : {}), sandbox: !!flags.sandbox, region: where.region, profile: where.profile, context: flags.context ?? where.context, targets: { aws: where.aws ?? {}, clusters: where.clusters ?? {} } }
    // The sandbox was started to read the journal: its clients are those of the run's targets too.
    const edge = early ? { ...early, clients: await edgeClients(io, edgeOptions, early.clock), close: async () => {} } : await openEdge(io, edgeOptions)
    r.useClock?.(edge.clock)
    try {
      const result = await rollback(found, { journal, clock: edge.clock, registry: await g.registry(), clients: edge.clients, emit: fanOut(r.emit, lock.onEvent) }, { force: !!flags.force })
      return result.exitCode
    } finally {
      await edge.close()
    }
  } finally {
    await lock.release()
    await r.done()
  }
}

async function firstEnvironment(file: string): Promise<string | undefined> {
  try {
    const doc = parse(await readFile(file, 'utf8'), { maxAliasCount: -1 }) as { environments?: Record<string, unknown> } | null
    return doc && typeof doc.environments === 'object' && doc.environments ? Object.keys(doc.environments)[0] : undefined
  } catch {
    return undefined // the loader reports what is wrong with the file
  }
}
