/** `playbook history` and `playbook show <run-id> [--html FILE]`: read the journal, print it. */
import { writeFile } from 'node:fs/promises'
import { history, report } from '../engine/history.js'
import { FileJournal } from '../journal/file.js'
import { renderReportHtml } from '../report/html.js'
import { renderReportText } from '../report/text.js'
import { redactText } from '../render/redact.js'
import type { Io } from './io.js'
import { EXIT, type GlobalOptions } from './shared.js'

export async function historyCommand(io: Io, g: GlobalOptions): Promise<number> {
  const runs = await history(new FileJournal(g.stateDir))
  if (g.output === 'json') {
    for (const r of runs) io.stdout(JSON.stringify(r) + '\n')
    return EXIT.ok
  }
  if (runs.length === 0) {
    io.stdout(`no runs in ${g.stateDir}\n`)
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
export async function showCommand(io: Io, g: GlobalOptions, runId: string, flags: { html?: string }): Promise<number> {
  const r = await report(new FileJournal(g.stateDir), runId)
  if (flags.html !== undefined) {
    await writeFile(flags.html, redactText(renderReportHtml(r)))
    io.stderr(`wrote ${flags.html}\n`)
  }
  io.stdout(g.output === 'json' ? JSON.stringify(r) + '\n' : renderReportText(r))
  return EXIT.ok
}
