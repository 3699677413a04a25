/**
 * `playbook show RUN` in a terminal: the report's structure in plain lines (steps with durations
 * and collapsed waits, one line per change, the DNS windows and the cron gap). Zones with many
 * records print a summary line; `--output json` or `--html` has every record.
 */
import type { RunReport } from './model.js'
import { iso, relative, span } from './time.js'

const LIST_UNDER = 25

export function renderReportText(r: RunReport): string {
  const at = (ms: number | undefined) => (ms === undefined ? '—' : `${iso(ms)} (${relative(ms, r.startedAt)})`)
  const out: string[] = [
    `run ${r.runId}: ${r.playbook}${r.env ? ` (env ${r.env})` : ''}, ${r.mode}${r.rollbackOf ? ` of ${r.rollbackOf}` : ''}`,
    `  file ${r.file}`,
    `  status: ${r.status === 'incomplete' ? 'incomplete (a rerun of the same playbook resumes it)' : r.status}${r.rolledBackBy.length ? `, rolled back by ${r.rolledBackBy.join(', ')}` : ''}`,
    `  started ${iso(r.startedAt)}, took ${span(r.durationMs)}, waited ${span(r.waitedMs)}${r.clock === 'virtual' ? ' (sandbox clock)' : ''}; ${r.changed} item(s) changed`,
  ]
  for (const s of r.steps) {
    out.push(`step ${s.id} (${s.type}): ${s.status}${s.reason ? ` (${s.reason})` : ''}, ${relative(s.startAt, r.startedAt)}, ${span(s.durationMs)}`)
    for (const w of s.waits) out.push(`  waited ${span(w.totalMs)} for ${w.reason}${w.count > 1 ? ` (${w.count} waits)` : ''}`)
    for (const m of s.marks.filter((m) => m.kind === 'approval' || m.kind === 'refused')) out.push(`  ? ${m.label} at ${at(m.at)}`)
    const shown = s.changes.length < LIST_UNDER ? s.changes : s.changes.slice(0, 10)
    for (const c of shown) {
      const fields = c.op === 'update' ? c.fields.slice(0, 4).map((f) => `${f.path} ${f.before ?? '∅'} -> ${f.after ?? '∅'}`).join('; ') : ''
      out.push(`  ${c.op === 'create' ? '+' : c.op === 'delete' ? '-' : '~'} ${c.summary}${c.applied ? '' : ' (in flight: may have changed)'}${c.reverted ? ' (rolled back)' : ''}${fields ? `\n      ${fields}${c.fields.length > 4 ? ' …' : ''}` : ''}`)
    }
    if (shown.length < s.changes.length) out.push(`  … ${s.changes.length - shown.length} more change(s)`)
  }
  if (r.rollback) out.push(`rollback of ${r.rollback.steps.join(', ')}: ${relative(r.rollback.startedAt, r.startedAt)} to ${relative(r.rollback.endedAt, r.startedAt)}`)
  for (const z of r.dns) {
    const clear = Math.max(0, ...z.records.map((w) => w.clearAt ?? 0))
    out.push(`DNS window, zone ${z.zoneId}: ${z.records.length} record set(s)${clear ? `; no resolver holds an old answer after ${at(clear)}` : ''}`)
    if (z.records.length >= LIST_UNDER) continue
    for (const w of z.records) {
      const ttl = w.previousTtl !== undefined ? `TTL ${w.previousTtl} -> ${w.ttl} s lowered ${at(w.ttlLoweredAt)}, INSYNC ${at(w.ttlInsyncAt)}, gate open ${at(w.ttlGateAt)}` : 'TTL not lowered in this run'
      const sw = w.switches.map((s) => `${s.weight !== undefined ? `weight ${s.weight} ` : ''}switched ${at(s.at)}, INSYNC ${at(s.insyncAt)}`)
      out.push(`  ${w.label}: ${ttl}`, ...sw.map((l) => `    ${l}`), ...(w.clearAt ? [`    old answer gone after ${at(w.clearAt)}`] : []), ...(w.gateKept ? [] : ['    ! switched before the TTL gate opened']))
    }
  }
  if (r.cron.length > 0) out.push('cron gap (jobs run on neither side between ECS disabled and CronJob resumed):')
  for (const g of r.cron.slice(0, 50)) {
    const times = g.times.map((t) => `${t.at} ${t.fate}`).join(', ') || 'no scheduled time in the gap'
    out.push(`  ${g.job}: ECS disabled ${at(g.ecs?.disabledAt)}, CronJob resumed ${at(g.k8s?.resumedAt)}${g.gapMs !== undefined ? ` (${span(g.gapMs)})` : ''}: ${times}${g.reason ? ` (${g.reason})` : ''}`)
  }
  if (r.cron.length > 50) out.push(`  … ${r.cron.length - 50} more job(s)`)
  for (const e of r.errors) out.push(`error in ${e.step} (${e.phase}) at ${at(e.at)}: ${e.error}`)
  return out.join('\n') + '\n'
}
