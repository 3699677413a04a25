/** The benchmark's figures as a plain-text table (`npm run bench`) and their JSON shape (`--json`). */
import type { Minimum } from './minimum.js'
import type { ValidateFigure } from './validate-median.js'

export type OpCount = { mutating: boolean; calls: number; refused: number }

export type PhaseReport = {
  exit: number | string
  /** `service operation[ (write)]` → calls (refused = answered with an error, e.g. throttling). */
  calls: Record<string, OpCount>
  total: number
  mutating: number
  minimum: Minimum
  ratio: number
  wallMs: number
  virtualMs: number
  maxRssMiB: number | null
  runnerCpuMs: number | null
  sandboxCpuMs: number
  /** Where the wall time went (null: not measured). */
  time: { moduleLoadMs: number | null; roundTripMs: number | null; requests: number | null; fsyncMs: number | null; fsyncs: number | null }
}

export type ScenarioReport = {
  name: string
  title: string
  dir: string
  run: PhaseReport
  rollback: PhaseReport
  /** Route 53 ChangeResourceRecordSets of the run: expected one per zone per DNS step (and stage). */
  route53Batches: { expected: number; actual: number }
  restored: boolean
  problems: string[]
}

const col = (s: string | number, w: number) => String(s).padStart(w)
const dur = (ms: number) => (ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(2)} s`)

function phaseLines(name: string, p: PhaseReport): string[] {
  const lines = [`  ${name}: exit ${p.exit}`, `    ${'service operation'.padEnd(44)}${col('calls', 7)}${col('refused', 9)}`]
  const entries = Object.entries(p.calls).sort(([a], [b]) => a.localeCompare(b))
  for (const [op, c] of entries) lines.push(`    ${op.padEnd(44)}${col(c.calls, 7)}${col(c.refused || '', 9)}`)
  const minBy = p.minimum.byService
  lines.push(`    ${'total (mutating)'.padEnd(44)}${col(`${p.total} (${p.mutating})`, 16)}`)
  lines.push(`    ${'minimum (mutating)'.padEnd(44)}${col(`${p.minimum.total} (${p.minimum.mutating})`, 16)}`)
  for (const [svc, m] of Object.entries(minBy)) {
    const actual = entries.filter(([k]) => k.startsWith(`${svc} `)).reduce((n, [, c]) => n + c.calls, 0)
    lines.push(`      ${svc.padEnd(12)} actual ${col(actual, 5)}  minimum ${col(m.mutating + m.read, 5)} (${m.mutating} mutating)`)
  }
  lines.push(`    ratio total/minimum ${p.ratio.toFixed(2)} (target <= 1.1)`)
  lines.push(`    wall ${dur(p.wallMs)} (waits excluded: they are virtual), virtual time waited ${dur(p.virtualMs)}, peak RSS ${p.maxRssMiB === null ? 'n/a' : `${p.maxRssMiB.toFixed(0)} MiB`}`)
  const t = p.time
  const ms = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(0)} ms`)
  lines.push(`    wall time: module load ${ms(t.moduleLoadMs)}, API round-trips ${ms(t.roundTripMs)} (${t.requests ?? 'n/a'} requests), journal fsyncs ${ms(t.fsyncMs)} (${t.fsyncs ?? 'n/a'}), the rest (CPU of the run, start-up) ${t.moduleLoadMs === null || t.roundTripMs === null || t.fsyncMs === null ? 'n/a' : ms(p.wallMs - t.moduleLoadMs - t.roundTripMs - t.fsyncMs)}`)
  lines.push(`    CPU: CLI process ${p.runnerCpuMs === null ? 'n/a' : dur(p.runnerCpuMs)}, sandbox (benchmark process) ${dur(p.sandboxCpuMs)}`)
  return lines
}

export function formatReport(reports: ScenarioReport[], v: ValidateFigure): string {
  const out: string[] = []
  for (const r of reports) {
    out.push(`${r.title}`)
    out.push(...phaseLines('switchover', r.run), ...phaseLines('rollback', r.rollback))
    out.push(`  Route 53 change batches of the run: ${r.route53Batches.actual}, one per zone per DNS step: ${r.route53Batches.expected}`)
    out.push(`  seed restored by the rollback: ${r.restored ? 'yes' : 'NO'}`)
    for (const p of r.problems) out.push(`  problem: ${p}`)
    out.push('  minimum, run:', ...r.run.minimum.formula.map((f) => `    ${f}`))
    out.push('  minimum, rollback:', ...r.rollback.minimum.formula.map((f) => `    ${f}`))
    out.push(`  files: ${r.dir}`, '')
  }
  out.push(`playbook validate ${v.file}: median ${v.medianMs.toFixed(0)} ms over ${v.runs} runs (min ${v.minMs.toFixed(0)}, max ${v.maxMs.toFixed(0)}), exit ${v.exit}`)
  if (v.bareNodeMs !== undefined) out.push(`  node -e 0: median ${v.bareNodeMs.toFixed(0)} ms; validate / node -e 0 = ${(v.medianMs / v.bareNodeMs).toFixed(2)} (goal <= 3)${v.inTurnRatio !== undefined ? `; in turn (each validate after a node -e 0), median ratio ${v.inTurnRatio.toFixed(2)}` : ''}`)
  if (v.plan) {
    const budget = v.medianMs + v.plan.roundTripMs
    out.push(`playbook plan (reference estate, ${v.plan.calls} calls): median ${v.plan.medianMs.toFixed(0)} ms over ${v.plan.runs} runs, API round-trips ${v.plan.roundTripMs.toFixed(0)} ms, exit ${v.plan.exit}; plan / (validate + round-trips) = ${(v.plan.medianMs / budget).toFixed(2)} (goal <= 2)`)
    if (v.plan.inTurnRatio !== undefined) out.push(`  validate, plan and a probed plan in turn: median of plan / (validate + round-trips) per turn = ${v.plan.inTurnRatio.toFixed(2)}`)
    if (v.plan.probedMedianMs !== undefined) out.push(`  with the probe that reads the round-trips: median ${v.plan.probedMedianMs.toFixed(0)} ms`)
  }
  return out.join('\n') + '\n'
}
