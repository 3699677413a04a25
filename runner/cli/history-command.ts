/** `playbook history` and `playbook show <run-id> [--html FILE]`: read the journal, print it. */
import { writeFile } from 'node:fs/promises'
import { canonicalJson } from '../canonical.js'
import { history, show } from '../engine/history.js'
import { FileJournal } from '../journal/file.js'
import { formatDuration } from '../render/format.js'
import { renderHtml } from '../render/html.js'
import { maskSecretObjects, redactText } from '../render/redact.js'
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

export async function showCommand(io: Io, g: GlobalOptions, runId: string, flags: { html?: string }): Promise<number> {
  const detail = await show(new FileJournal(g.stateDir), runId)
  const state = maskSecretObjects(detail.state)
  if (flags.html !== undefined) {
    await writeFile(flags.html, redactText(renderHtml({ ...detail, state: maskSecretObjects(detail.state) })))
    io.stderr(`wrote ${flags.html}\n`)
  }
  if (g.output === 'json') {
    io.stdout(JSON.stringify({ runId: detail.runId, ...state, steps: state.steps.map((s) => ({ ...s, items: [...s.items.values()] })) }) + '\n')
    return EXIT.ok
  }
  const b = state.begin!
  const out: string[] = [
    `run ${detail.runId}: ${b.playbook}${b.env ? ` (env ${b.env})` : ''}, ${b.mode}${b.rollbackOf ? ` of ${b.rollbackOf}` : ''}`,
    `  file ${b.file} (sha256 ${b.sha256.slice(0, 12)}), started ${new Date(b.startedAt).toISOString()}`,
    `  status: ${state.end?.status ?? 'incomplete (a rerun of the same playbook resumes it)'}`,
  ]
  for (const s of state.steps) {
    out.push(`step ${s.step} (${s.type}): ${s.failed ? `failed: ${s.failed}` : s.done ? 'done' : s.items.size ? 'in progress' : 'nothing changed'}`)
    for (const it of s.items.values()) {
      out.push(`  ${it.applied ? '✓' : '?'} ${it.summary}${it.applied ? '' : ' (in flight: may have changed)'}`)
      out.push(`      before: ${canonicalJson(it.before)}`, `      after:  ${canonicalJson(it.after)}`)
    }
  }
  for (const f of state.facts) out.push(`fact ${f.kind} (${f.step}): ${canonicalJson(f.data)}`)
  for (const w of state.waits) out.push(`wait ${formatDuration(w.ms)}${w.virtual ? ' (virtual)' : ''} in ${w.step}: ${w.reason}`)
  for (const e of state.errors) out.push(`error in ${e.step} (${e.phase}): ${e.error}`)
  io.stdout(out.join('\n') + '\n')
  return EXIT.ok
}
