/**
 * `playbook prune --older-than 30d [--apply]`: removes the journals of finished runs started more
 * than the given time ago, and the backup Secrets of those runs (label `switchover.dev/run`, in
 * every namespace of the cluster). Dry run by default: it prints what it would remove; `--apply`
 * removes it. Runs that never ended (a rerun would resume them) are kept, and so are their backups.
 */
import { rm } from 'node:fs/promises'
import { FileJournal } from '../journal/file.js'
import { foldRun } from '../engine/run-state.js'
import { UsageError } from '../errors.js'
import { acquireLock } from '../lock.js'
import { openEdge } from './environment.js'
import type { Io } from './io.js'
import { EXIT, type GlobalOptions } from './shared.js'

export type PruneFlags = { olderThan: string; apply?: boolean; sandbox?: boolean; context?: string; cluster?: boolean }

const RUN_LABEL = 'switchover.dev/run'

/** `30d`, `12h`, `0d` → milliseconds. */
export function parseAge(text: string): number {
  const m = /^(\d+)(d|h)$/.exec(text)
  if (!m) throw new UsageError(`--older-than ${text}: expected a number of days or hours, such as 30d or 12h`)
  return Number(m[1]) * (m[2] === 'd' ? 86_400_000 : 3_600_000)
}

/** Start time of a run from its id (YYYYMMDD-HHMMSS-xxxx, UTC). */
const startOf = (runId: string) => Date.parse(`${runId.slice(0, 4)}-${runId.slice(4, 6)}-${runId.slice(6, 8)}T${runId.slice(9, 11)}:${runId.slice(11, 13)}:${runId.slice(13, 15)}Z`)

export async function pruneCommand(io: Io, g: GlobalOptions, flags: PruneFlags, now = Date.now()): Promise<number> {
  const cutoff = now - parseAge(flags.olderThan)
  const journal = new FileJournal(g.stateDir)
  const old: string[] = []
  const open = new Set<string>()
  // Ages are wall-clock ages (retention), from each journal's wall-clock start; a run id follows the
  // run's clock, which on the sandbox is its virtual one, so it dates only backups of runs whose
  // journal is not in this state.
  const startedOf = new Map<string, number>()
  for (const runId of await journal.runs()) {
    const state = foldRun(await journal.read(runId))
    startedOf.set(runId, state.begin?.startedAt ?? startOf(runId))
    if (!state.end) open.add(runId)
    else if (startedOf.get(runId)! < cutoff) old.push(runId)
  }
  const verb = flags.apply ? 'removing' : 'would remove'
  const lock = flags.apply ? await acquireLock(g.stateDir, () => {}) : undefined
  try {
    for (const runId of old) io.stdout(`${verb} journal ${runId}\n`)
    let backups = 0
    if (flags.cluster !== false) {
      const edge = await openEdge(io, { stateDir: g.stateDir, sandbox: !!flags.sandbox, context: flags.context })
      try {
        const kube = await edge.clients.kube!({ readOnly: !flags.apply })
        for (const s of await kube.list('v1', 'Secret', { labelSelector: RUN_LABEL })) {
          const runId = s.metadata.labels?.[RUN_LABEL] ?? ''
          const started = startedOf.get(runId) ?? startOf(runId)
          if (open.has(runId) || !(started < cutoff)) continue
          io.stdout(`${verb} backup Secret ${s.metadata.namespace}/${s.metadata.name} (run ${runId})\n`)
          backups++
          if (flags.apply) await kube.delete({ apiVersion: 'v1', kind: 'Secret', namespace: s.metadata.namespace, name: s.metadata.name })
        }
      } finally {
        await edge.close()
      }
    }
    if (flags.apply) for (const runId of old) await rm(journal.fileOf(runId), { force: true })
    const kept = open.size ? `; ${open.size} unfinished run${open.size === 1 ? '' : 's'} kept` : ''
    io.stdout(`${flags.apply ? 'removed' : 'would remove'} ${old.length} journal${old.length === 1 ? '' : 's'} and ${backups} backup${backups === 1 ? '' : 's'}${kept}${flags.apply ? '' : ' (dry run: add --apply to remove them)'}\n`)
    return EXIT.ok
  } finally {
    await lock?.release()
  }
}
