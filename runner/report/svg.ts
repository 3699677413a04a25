/**
 * The report's timeline as inline SVG: one row per step on the run's time axis (its waits
 * hatched, marks for change batches, stages, approvals, gate checks and failures), a row for the
 * rollback a failure started, one per zone's DNS window and one for the cron gap.
 */
import type { RunReport } from './model.js'
import type { Mark } from './timing.js'
import { iso, relative, span } from './time.js'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const WIDTH = 980
const LABEL = 190
const ROW = 26
const PAD = 12

type Row = { kind: string; label: string; from: number; to: number; cls: string; title: string; spans?: Array<[number, number, string]>; marks?: Mark[]; data: Record<string, string> }

export function timelineSvg(r: RunReport): string {
  const rows: Row[] = r.steps.map((s) => ({
    kind: 'step', label: s.id, from: s.startAt, to: s.endAt, cls: s.status.replace(/\s+/g, '-'),
    title: `${s.id} (${s.type}): ${s.status}, ${span(s.durationMs)}${s.waitedMs ? `, waited ${span(s.waitedMs)}` : ''}`,
    spans: s.waits.flatMap((w) => w.spans.map(([a, b]) => [a, b, w.reason] as [number, number, string])),
    marks: s.marks,
    data: { step: s.id, status: s.status },
  }))
  if (r.rollback) {
    rows.push({ kind: 'rollback', label: 'rollback', from: r.rollback.startedAt, to: r.rollback.endedAt, cls: 'rollback', title: `rollback of ${r.rollback.steps.join(', ')}`, marks: r.rollback.marks, data: { steps: r.rollback.steps.join(' ') } })
  }
  for (const z of r.dns) {
    const starts = z.records.flatMap((w) => [w.ttlLoweredAt, w.switches[0]?.at].filter((x): x is number => x !== undefined))
    const ends = z.records.flatMap((w) => [w.clearAt, w.switches.at(-1)?.insyncAt, w.ttlInsyncAt].filter((x): x is number => x !== undefined))
    if (starts.length === 0) continue
    const clear = Math.max(...z.records.map((w) => w.clearAt ?? 0))
    rows.push({
      kind: 'dns', label: `DNS ${z.zoneId}`, from: Math.min(...starts), to: Math.max(...ends, ...starts), cls: 'dns',
      title: `DNS window of ${z.records.length} record set(s) in ${z.zoneId}${clear ? `: no resolver holds an old answer after ${iso(clear)}` : ''}`,
      marks: uniqueAt(z.records.flatMap((w) => w.switches.map((s) => ({ kind: 'batch' as const, at: s.at, step: s.step, label: `${s.step}: change batch submitted` })))),
      data: { zone: z.zoneId, clear: clear ? iso(clear) : '' },
    })
  }
  const gaps = r.cron.filter((g) => g.ecs && g.k8s)
  if (gaps.length > 0) {
    rows.push({
      kind: 'cron', label: 'cron gap', from: Math.min(...gaps.map((g) => g.ecs!.disabledAt)), to: Math.max(...gaps.map((g) => g.k8s!.resumedAt)), cls: 'cron',
      title: `${gaps.length} job(s) ran on neither side between ECS disabled and CronJob resumed`,
      marks: uniqueAt(gaps.flatMap((g) => g.times.map((t) => ({ kind: t.fate === 'caught up' ? ('approval' as const) : ('refused' as const), at: Date.parse(t.at), step: g.job, label: `scheduled ${t.at}: ${t.fate}` })))),
      data: { jobs: String(gaps.length) },
    })
  }
  const t0 = r.startedAt
  const t1 = Math.max(r.endedAt, ...rows.map((x) => x.to), t0 + 1000)
  const plot = WIDTH - LABEL - PAD
  const x = (t: number) => LABEL + ((t - t0) / (t1 - t0)) * plot
  const height = PAD * 2 + 22 + rows.length * ROW
  const out: string[] = [
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="timeline of run ${esc(r.runId)}">`,
    `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="#9aa7b8"/></pattern></defs>`,
  ]
  for (const t of ticks(t0, t1)) {
    out.push(`<g class="tick"><line x1="${x(t).toFixed(1)}" y1="${PAD + 14}" x2="${x(t).toFixed(1)}" y2="${height - PAD}" stroke="#e3e6ea"/><text x="${x(t).toFixed(1)}" y="${PAD + 8}" text-anchor="middle" font-size="10" fill="#555">${esc(relative(t, t0))}</text></g>`)
  }
  rows.forEach((row, i) => {
    const y = PAD + 22 + i * ROW
    const data = Object.entries(row.data).map(([k, v]) => ` data-${k}="${esc(v)}"`).join('')
    out.push(`<g class="row ${row.kind}"${data} data-from="${iso(row.from)}" data-to="${iso(row.to)}">`)
    out.push(`<text x="${LABEL - 8}" y="${y + 15}" text-anchor="end" font-size="12">${esc(row.label)}</text>`)
    const w = Math.max(2, x(row.to) - x(row.from))
    out.push(`<rect class="bar ${row.cls}" x="${x(row.from).toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${ROW - 8}" rx="3"><title>${esc(row.title)}</title></rect>`)
    for (const [a, b, reason] of row.spans ?? []) {
      out.push(`<rect class="wait" x="${x(a).toFixed(1)}" y="${y + 7}" width="${Math.max(1, x(b) - x(a)).toFixed(1)}" height="${ROW - 14}" fill="url(#hatch)"><title>${esc(`${reason}: ${span(b - a)} from ${iso(a)}`)}</title></rect>`)
    }
    for (const m of row.marks ?? []) out.push(markSvg(m, x(m.at), y + ROW / 2))
    out.push('</g>')
  })
  out.push('</svg>')
  return out.join('\n')
}

/** One mark per instant and kind (2,000 records switched in one batch are one mark). */
function uniqueAt(marks: Mark[]): Mark[] {
  const seen = new Set<string>()
  return marks.filter((m) => !seen.has(`${m.at}\0${m.kind}`) && !!seen.add(`${m.at}\0${m.kind}`))
}

function markSvg(m: Mark, cx: number, cy: number): string {
  const title = `<title>${esc(`${m.label} at ${iso(m.at)}`)}</title>`
  const c = cx.toFixed(1)
  switch (m.kind) {
    case 'batch':
    case 'revert':
      return `<path class="mark ${m.kind}" d="M${c} ${cy - 6} l5 6 l-5 6 l-5 -6 z" data-at="${iso(m.at)}">${title}</path>`
    case 'stage':
      return `<path class="mark stage" d="M${c} ${cy - 7} l4 7 l-8 0 z" data-at="${iso(m.at)}">${title}</path>`
    case 'approval':
    case 'refused':
    case 'gate':
      // On the bar's top edge: an approval given at once shares its instant with the next batch.
      return `<circle class="mark ${m.kind}" cx="${c}" cy="${cy - 7}" r="4" data-at="${iso(m.at)}">${title}</circle>`
    case 'failed':
    case 'fact':
      return `<path class="mark ${m.kind}" d="M${cx - 5} ${cy - 5} l10 10 m0 -10 l-10 10" data-at="${iso(m.at)}">${title}</path>`
    default: {
      const never: never = m.kind
      return never
    }
  }
}

/** About eight round ticks over [t0, t1]. */
function ticks(t0: number, t1: number): number[] {
  const steps = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600].map((s) => s * 1000)
  const step = steps.find((s) => (t1 - t0) / s <= 10) ?? 86_400_000
  const out: number[] = []
  for (let t = t0; t <= t1; t += step) out.push(t)
  return out
}
