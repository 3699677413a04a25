/** `playbook show --html`: one self-contained HTML page for a run (no scripts, escaped text). */
import { canonicalJson } from '../canonical.js'
import type { RunDetail } from '../engine/history.js'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function renderHtml(detail: RunDetail): string {
  const { state } = detail
  const b = state.begin
  const rows = state.steps
    .map((s) => {
      const items = [...s.items.values()]
        .map((it) => `<tr><td>${it.applied ? '✓' : '?'}</td><td>${esc(it.key)}</td><td><code>${esc(canonicalJson(it.before))}</code></td><td><code>${esc(canonicalJson(it.after))}</code></td></tr>`)
        .join('')
      const status = s.failed ? `failed: ${s.failed}` : s.done ? 'done' : s.items.size ? 'in progress' : 'nothing changed'
      return `<h2>${esc(s.step)} <small>${esc(s.type)} — ${esc(status)}</small></h2>${items ? `<table><tr><th></th><th>item</th><th>before</th><th>after</th></tr>${items}</table>` : ''}`
    })
    .join('\n')
  const list = (title: string, lines: string[]) => (lines.length ? `<h2>${title}</h2><ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : '')
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>run ${esc(detail.runId)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}code{font-size:.85em}</style>
</head><body>
<h1>run ${esc(detail.runId)}: ${esc(b?.playbook ?? '?')}${b?.env ? ` (env ${esc(b.env)})` : ''}</h1>
<p>${esc(b?.mode ?? '')}${b?.rollbackOf ? ` of ${esc(b.rollbackOf)}` : ''} · started ${b ? esc(new Date(b.startedAt).toISOString()) : '?'} · status ${esc(state.end?.status ?? 'incomplete')}</p>
${rows}
${list('Facts', state.facts.map((f) => `${f.kind} (${f.step}): ${canonicalJson(f.data)}`))}
${list('Waits', state.waits.map((w) => `${w.step}: ${w.ms} ms${w.virtual ? ' (virtual)' : ''} — ${w.reason}`))}
${list('Errors', state.errors.map((e) => `${e.step} (${e.phase}): ${e.error}`))}
</body></html>
`
}
