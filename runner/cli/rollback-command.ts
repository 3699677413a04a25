/**
 * `playbook rollback [run-id] [--last]` undoes a run from its journal (under the lock, after an
 * approval unless --yes); `playbook rollback --generate <file>` prints the rollback playbook.
 */
import { parse } from 'yaml'
import { readFile } from 'node:fs/promises'
import { FileJournal } from '../journal/file.js'
import { acquireLock } from '../lock.js'
import { generateRollback } from '../engine/generate.js'
import { resolveRun, rollback } from '../engine/rollback.js'
import { UsageError } from '../errors.js'
import { openEdge } from './environment.js'
import { promptFor, type Io } from './io.js'
import { EXIT, fanOut, load, renderer, type GlobalOptions } from './shared.js'

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
    const loaded = await load(io, flags.generate, { env, vars: flags.var })
    io.stdout(generateRollback(loaded.playbook, loaded.registry, loaded.text))
    return EXIT.ok
  }
  if (runId !== undefined && flags.last) throw new UsageError('give a run id or --last, not both')
  if (runId === undefined && !flags.last) throw new UsageError('which run? give a run id (see `playbook history`) or --last')
  const target = runId ?? 'last'
  const journal = new FileJournal(g.stateDir)
  const found = await resolveRun(journal, target)
  if (!flags.yes) {
    if (!io.stdinIsTTY) throw new UsageError(`rolling back run ${found.runId} needs approval but stdin is not a terminal; rerun with --yes`)
    const why = found.pick ? ` (--last: ${found.pick.reason})` : ''
    if (!(await promptFor(io)(`Roll back run ${found.runId} (${found.state.begin?.playbook})${why}?`))) {
      io.stderr('rollback not approved; nothing was changed\n')
      return EXIT.failed
    }
  }
  const { registry } = await import('./registry.js')
  const r = await renderer(io, g, { interactive: false })
  const lock = await acquireLock(g.stateDir, r.emit).catch(async (e) => {
    await r.done()
    throw e
  })
  try {
    const where = found.state.begin?.where ?? {}
    const edge = await openEdge(io, { stateDir: g.stateDir, playbookFile: found.state.begin?.file, sandbox: !!flags.sandbox, region: where.region, profile: where.profile, context: flags.context ?? where.context })
    r.useClock?.(edge.clock)
    try {
      const result = await rollback(found, { journal, clock: edge.clock, registry: await registry(), clients: edge.clients, emit: fanOut(r.emit, lock.onEvent) }, { force: !!flags.force })
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
