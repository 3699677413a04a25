/**
 * `playbook show RUN --html FILE`: the run report as one self-contained page (inline CSS and SVG,
 * no script, no network). Long lists collapse (`<details>`), record changes group by zone, so
 * the page of a 2,000-record run stays small and readable.
 */
import type { ChangeReport, RunReport, StepReport } from './model.js'
import type { DnsZone } from './dns.js'
import { timelineSvg } from './svg.js'
import { iso, relative, span } from './time.js'
import { zoneOfKey } from './labels.js'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
/** Open a list by default only when it is short. */
const OPEN_UNDER = 25

const CSS = `body{font-family:system-ui,-apple-system,sans-serif;margin:1.5em 2em;color:#1d232b;max-width:1100px}
h1{font-size:1.4em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #dde1e6;padding-bottom:.2em}
table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #d5dae0;padding:.25em .55em;text-align:left;vertical-align:top;font-size:.9em}
th{background:#f3f5f7}code,.mono{font-family:ui-monospace,Menlo,monospace;font-size:.85em}.muted{color:#66707c}
.badge{display:inline-block;padding:.05em .5em;border-radius:.8em;font-size:.85em;background:#e6e9ed}
.ok{background:#d9f2df}.bad{background:#fadcdc}.warn{background:#fcefd2}
details{margin:.15em 0}summary{cursor:pointer}
.bar{fill:#7aa6d8}.bar.done{fill:#6fbf87}.bar.skipped{fill:#c9ced4}.bar.failed,.bar.rollback-failed{fill:#e07a7a}.bar.rollback,.bar.restored{fill:#e0a95a}
.bar.dns{fill:#9c8fd6}.bar.cron{fill:#d6c28f}.mark{stroke:#1d232b;stroke-width:1;fill:#fff}.mark.approval{fill:#6fbf87}.mark.refused,.mark.failed{fill:#e07a7a;stroke:#a33}
.mark.gate{fill:#f5d76e}.mark.stage{fill:#1d232b}.mark.revert{fill:#e0a95a}.legend span{margin-right:1em}
td.added{background:#e8f6ea}td.removed{background:#fbe9e9}td.changed{background:#fdf6e0}`

export function renderReportHtml(r: RunReport): string {
  // Time of day when the run stays within one day (the date is in the totals), full ISO otherwise.
  const oneDay = iso(r.startedAt).slice(0, 10) === iso(r.endedAt).slice(0, 10)
  const t = (ms: number | undefined) =>
    ms === undefined ? '<span class="muted">—</span>' : `<time datetime="${esc(iso(ms))}" title="${esc(iso(ms))}">${esc(oneDay ? iso(ms).slice(11) : iso(ms))}</time> <span class="muted">${esc(relative(ms, r.startedAt))}</span>`
  const statusCls = /^(done|restored)/.test(r.status) ? 'ok' : /incomplete|failed/.test(r.status) ? 'bad' : 'warn'
  const links = [
    r.rollbackOf ? `rollback of <a href="${esc(r.rollbackOf)}.html" data-run="${esc(r.rollbackOf)}">${esc(r.rollbackOf)}</a>` : '',
    ...r.rolledBackBy.map((id) => `rolled back by <a href="${esc(id)}.html" data-run="${esc(id)}">${esc(id)}</a>`),
  ].filter(Boolean)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>run ${esc(r.runId)}: ${esc(r.playbook)}</title><style>${CSS}</style></head><body>
<h1>run ${esc(r.runId)}: ${esc(r.playbook)}${r.env ? ` <span class="badge">env ${esc(r.env)}</span>` : ''} <span class="badge ${statusCls}" id="status">${esc(r.status)}</span></h1>
<p class="muted">${esc(r.mode)} of <code>${esc(r.file)}</code>${links.length ? ` · ${links.join(' · ')}` : ''}</p>
<table id="totals"><tr><th>started</th><td><time datetime="${esc(iso(r.startedAt))}">${esc(iso(r.startedAt))}</time></td><th>duration</th><td>${esc(span(r.durationMs))}</td><th>waited</th><td>${esc(span(r.waitedMs))}</td><th>items changed</th><td>${r.changed}</td></tr></table>
<p class="muted">Times are on the ${r.clock === 'virtual' ? "sandbox's virtual clock (waits pass at once there but count in full)" : 'wall clock'}; relative times from the start of the run.${links.length ? ' Linked runs: write their reports with <code>playbook show RUN --html RUN.html</code> beside this one.' : ''}</p>
<h2>Timeline</h2>
<p class="legend muted"><span>◆ change batch</span><span>▲ stage journaled</span><span>● approval / gate check</span><span>✕ failure</span><span>hatched: waiting</span></p>
${timelineSvg(r)}
<h2>Steps</h2>
${stepsTable(r, t)}
${dnsSection(r.dns, t)}
${cronSection(r, t)}
${r.errors.length ? `<h2>Errors</h2><ul id="errors">${r.errors.map((e) => `<li><b>${esc(e.step)}</b> (${esc(e.phase)}, ${t(e.at)}): ${esc(e.error)}</li>`).join('')}</ul>` : ''}
<h2>Changes</h2>
${r.steps.filter((s) => s.changes.length > 0).map((s) => changesSection(s)).join('\n') || '<p class="muted">nothing changed</p>'}
</body></html>
`
}

function stepsTable(r: RunReport, t: (ms?: number) => string): string {
  const rows = r.steps.map((s) => {
    const waits = s.waits.map((w) => `${esc(w.reason)}: ${w.count}× ${esc(span(w.totalMs))}`).join('<br>')
    return `<tr data-step="${esc(s.id)}"><td><b>${esc(s.id)}</b><br><span class="muted">${esc(s.type)}</span></td><td>${esc(s.status)}${s.reason ? `<br><span class="muted">${esc(s.reason)}</span>` : ''}</td><td>${t(s.startAt)}</td><td>${esc(span(s.durationMs))}</td><td>${waits || '<span class="muted">—</span>'}</td><td>${s.changes.length}</td></tr>`
  })
  return `<table id="steps"><tr><th>step</th><th>status</th><th>started</th><th>duration</th><th>waits (by reason: count, total)</th><th>changes</th></tr>${rows.join('')}</table>`
}

function dnsSection(zones: DnsZone[], t: (ms?: number) => string): string {
  if (zones.length === 0) return ''
  const parts = zones.map((z) => {
    const rows = z.records.map((w) => {
      const switches = w.switches.map((s) => `${s.weight !== undefined ? `weight ${s.weight}: ` : ''}${t(s.at)} → INSYNC ${t(s.insyncAt)}`).join('<br>')
      return `<tr class="dns-window" data-record="${esc(w.label)}"><td class="mono">${esc(w.label)}</td><td>${w.previousTtl !== undefined ? `${w.previousTtl} → ${w.ttl} s` : '—'}</td><td>${t(w.ttlLoweredAt)}</td><td>${t(w.ttlInsyncAt)}</td><td>${t(w.ttlGateAt)}${w.gateKept ? '' : ' <span class="badge bad">switched before</span>'}</td><td>${switches || '—'}</td><td>${t(w.clearAt)}</td></tr>`
    })
    const clear = Math.max(0, ...z.records.map((w) => w.clearAt ?? 0))
    return `<details class="zone" data-zone="${esc(z.zoneId)}"${z.records.length < OPEN_UNDER ? ' open' : ''}><summary>zone <code>${esc(z.zoneId)}</code>: ${z.records.length} record set(s)${clear ? `, no resolver holds an old answer after ${esc(iso(clear))}` : ''}</summary>
<table><tr><th>record set</th><th>TTL</th><th>TTL lowered</th><th>lowering INSYNC</th><th>TTL gate open</th><th>switched → INSYNC</th><th>old answer gone</th></tr>${rows.join('')}</table></details>`
  })
  return `<h2>DNS windows</h2><p class="muted">Clients may reach the old target until the last column: the switch's INSYNC plus the TTL the record had then.</p>${parts.join('\n')}`
}

function cronSection(r: RunReport, t: (ms?: number) => string): string {
  if (r.cron.length === 0) return ''
  const rows = r.cron.map((g) => {
    const times = g.times.map((x) => `<span class="badge ${x.fate === 'caught up' ? 'ok' : 'warn'}">${esc(x.at)}: ${esc(x.fate)}</span>`).join(' ')
    const more = g.count > g.times.length ? ` <span class="muted">(${g.count - g.times.length} older not listed)</span>` : ''
    return `<tr class="cron-gap" data-job="${esc(g.job)}"><td class="mono">${esc(g.job)}${g.k8s ? `<br><span class="muted">CronJob ${esc(g.k8s.namespace)}/${esc(g.k8s.cronjob)} <code>${esc(g.k8s.schedule)}</code>${g.k8s.timeZone ? ` ${esc(g.k8s.timeZone)}` : ''}</span>` : ''}</td><td>${t(g.ecs?.disabledAt)}</td><td>${t(g.k8s?.resumedAt)}</td><td>${g.gapMs !== undefined ? esc(span(g.gapMs)) : '—'}</td><td>${times || '<span class="muted">none</span>'}${more}${g.reason ? `<br><span class="muted">${esc(g.reason)}</span>` : ''}</td></tr>`
  })
  return `<h2>Cron gap</h2><p class="muted">Between ECS disabled and CronJob resumed a job runs on neither side; each scheduled time in between is caught up once on Kubernetes or skipped, never run twice.</p>
<table id="cron"><tr><th>job</th><th>ECS disabled</th><th>CronJob resumed</th><th>gap</th><th>scheduled times in the gap</th></tr>${rows.join('')}</table>`
}

function changeDetails(c: ChangeReport): string {
  const mark = c.op === 'create' ? '+' : c.op === 'delete' ? '−' : '~'
  const state = c.reverted ? ' <span class="badge warn">rolled back</span>' : c.applied ? '' : ' <span class="badge bad">in flight</span>'
  const rows = c.fields.map((f) => `<tr><td class="mono">${esc(f.path)}</td><td class="${f.op}">${f.before !== undefined ? `<code>${esc(f.before)}</code>` : ''}</td><td class="${f.op}">${f.after !== undefined ? `<code>${esc(f.after)}</code>` : ''}</td></tr>`)
  const more = c.moreFields ? `<tr><td colspan="3" class="muted">… ${c.moreFields} more field(s)</td></tr>` : ''
  return `<details class="change" data-key="${esc(c.key)}"><summary><code>${mark}</code> ${esc(c.summary)}${state}</summary><table><tr><th>field</th><th>before</th><th>after</th></tr>${rows.join('')}${more}</table></details>`
}

function changesSection(s: StepReport): string {
  const groups = new Map<string, ChangeReport[]>()
  for (const c of s.changes) {
    const zone = zoneOfKey(c.key)
    const g = zone ? `zone ${zone}` : ''
    groups.set(g, [...(groups.get(g) ?? []), c])
  }
  const body = [...groups].map(([g, cs]) =>
    g && groups.size + cs.length > OPEN_UNDER ? `<details class="group"><summary>${esc(g)}: ${cs.length} change(s)</summary>${cs.map(changeDetails).join('')}</details>` : cs.map(changeDetails).join(''),
  )
  return `<details class="step-changes" data-step="${esc(s.id)}"${s.changes.length < OPEN_UNDER ? ' open' : ''}><summary><b>${esc(s.id)}</b> (${esc(s.type)}): ${s.changes.length} change(s)</summary>${body.join('\n')}</details>`
}
