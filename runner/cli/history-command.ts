/**
 * `playbook history`, `playbook show <run-id> [--html FILE]`: read the journal (local or team
 * state), print it; `playbook unlock LOCK-ID`: break a stale team-state lock.
 */
import { writeFile } from 'node:fs/promises'
import { canonicalJson } from '../canonical.js'
import { history, show } from '../engine/history.js'
import { formatDuration } from '../render/format.js'
import { renderHtml } from '../render/html.js'
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

export async function showCommand(io: Io, g: GlobalOptions, runId: string, flags: { html?: string; sandbox?: boolean }): Promise<number> {
  const detail = await withState(io, g, flags.sandbox, (s) => show(s.journal, runId))
  const { state } = detail
  if (flags.html !== undefined) {
    await writeFile(flags.html, renderHtml(detail))
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

export async function unlockCommand(io: Io, g: GlobalOptions, lockId: string, flags: { force?: boolean; sandbox?: boolean }): Promise<number> {
  const { unlockState } = await import('../state/s3-lock.js')
  const store = await openS3Store(io, g)
  const edge = flags.sandbox ? await openEdge(io, { stateDir: g.stateDir, sandbox: true }) : undefined
  const holder = await unlockState(store, lockId, { force: !!flags.force }).finally(() => edge?.close())
  io.stderr(`unlocked ${store.urlOf('lock.json')}: it was held by run ${holder.runId} (${holder.command}) of ${holder.user} on ${holder.host}; resume that run (rerun the same playbook) or roll it back (\`playbook rollback ${holder.runId}\`)\n`)
  return EXIT.ok
}
