/**
 * `playbook history`, `playbook show <run-id> [--html FILE]`: read the journal (local or team
 * state), print it; `playbook unlock LOCK-ID`: break a stale team-state lock.
 */
import { writeFile } from 'node:fs/promises'
import { history, report } from '../engine/history.js'
import { FileJournal } from '../journal/file.js'
import { renderReportHtml } from '../report/html.js'
import { renderReportText } from '../report/text.js'
import { redactText } from '../render/redact.js'
import type { Io } from './io.js'
import { EXIT, type GlobalOptions } from './shared.js'
import { openEdge } from './environment.js'
import { openS3Store, openState, type StateBackend } from './state.js'

/** Team state in the in-process sandbox (`--sandbox`): its S3 is up while `fn` reads. */
async function withState<T>(io: Io, g: GlobalOptions, sandbox: boolean | undefined, fn: (state: StateBackend) => Promise<T>): Promise<T> {
  const state = await openState(io, g, { sandbox })
  const edge = state.remote && sandbox ? await openEdge(io, { stateDir: g.stateDir, sandbox: true }) : undefined
  try {
    return await fn(state)
  } finally {
    await edge?.close()
  }
}

export async function historyCommand(io: Io, g: GlobalOptions, flags: { sandbox?: boolean } = {}): Promise<number> {
  const { label, runs } = await withState(io, g, flags.sandbox, async (s) => ({ label: s.label, runs: await history(s.journal) }))
  if (g.output === 'json') {
    for (const r of runs) io.stdout(JSON.stringify(r) + '\n')
    return EXIT.ok
  }
  if (runs.length === 0) {
    io.stdout(`no runs in ${label}\n`)
    return EXIT.ok
  }
  const rows = [['RUN', 'PLAYBOOK', 'ENV', 'MODE', 'STARTED', 'STATUS', 'STEPS APPLIED'], ...runs.map((r) => [r.runId, r.playbook, r.env ?? '-', r.rollbackOf ? `rollback of ${r.rollbackOf}` : r.mode, r.started, r.status, String(r.stepsApplied)])]
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  for (const row of rows) io.stdout(row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() + '\n')
  return EXIT.ok
}

/**
 * `show RUN`: the run report (runner/report/) as text, as one JSON document with
 * `--output json`, and as a self-contained page with `--html FILE`.
 */
export async function showCommand(io: Io, g: GlobalOptions, runId: string, flags: { html?: string; sandbox?: boolean }): Promise<number> {
  const r = await withState(io, g, flags.sandbox, (s) => report(s.journal, runId))
  if (flags.html !== undefined) {
    await writeFile(flags.html, redactText(renderReportHtml(r)))
    io.stderr(`wrote ${flags.html}\n`)
  }
  io.stdout(g.output === 'json' ? JSON.stringify(r) + '\n' : renderReportText(r))
  return EXIT.ok
}

export async function unlockCommand(io: Io, g: GlobalOptions, lockId: string, flags: { force?: boolean; sandbox?: boolean }): Promise<number> {
  const { unlockState } = await import('../state/s3-lock.js')
  const store = await openS3Store(io, g)
  const edge = flags.sandbox ? await openEdge(io, { stateDir: g.stateDir, sandbox: true }) : undefined
  const holder = await unlockState(store, lockId, { force: !!flags.force }).finally(() => edge?.close())
  io.stderr(`unlocked ${store.urlOf('lock.json')}: it was held by run ${holder.runId} (${holder.command}) of ${holder.user} on ${holder.host}; resume that run (rerun the same playbook) or roll it back (\`playbook rollback ${holder.runId}\`)\n`)
  return EXIT.ok
}
