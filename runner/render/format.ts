/**
 * Text for every engine event. The switch is exhaustive: a new event kind without a line here
 * fails to compile. Returns lines (possibly none); never prints.
 */
import type { Change } from '../contract.js'
import { canonicalJson } from '../canonical.js'
import type { EngineEvent } from '../events.js'

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  const s = Math.round(ms / 1000)
  if (s < 120) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 120) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`
}

const short = (v: unknown, max = 160) => {
  const s = canonicalJson(v ?? null)
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}

/** How much to show: `full` adds each change's before/after state and the applied item keys (plans). */
export type Detail = { full: boolean }

/** A readable diff of one change: `+` create, `-` delete, `~` update, with before/after when `full`. */
export function formatChange(c: Change, detail: Detail = { full: true }): string[] {
  const mark = c.before === null ? '+' : c.after === null ? '-' : '~'
  const lines = [`  ${mark} ${c.summary}`]
  if (!detail.full) return lines
  if (mark !== '+') lines.push(`      before: ${short(c.before)}`)
  if (mark !== '-') lines.push(`      after:  ${short(c.after)}`)
  return lines
}

export function formatEvent(e: EngineEvent, detail: Detail = { full: true }): string[] {
  switch (e.kind) {
    case 'run-start':
      return e.mode === 'plan'
        ? [`plan of ${e.playbook}${e.env ? ` (env ${e.env})` : ''}: ${e.steps.length} steps`]
        : [`${e.resumed ? 'resuming' : e.mode === 'rollback' ? 'rollback' : 'run'} ${e.runId}: ${e.playbook}${e.env ? ` (env ${e.env})` : ''}, ${e.steps.length} steps`]
    case 'step-start':
      return [`▶ ${e.step} (${e.type})${e.description ? ` — ${e.description}` : ''}`]
    case 'step-plan': {
      const head = `${e.step} (${e.type}): ${e.changes.length === 0 ? 'nothing to change' : `${e.changes.length} change${e.changes.length === 1 ? '' : 's'}`}`
      return [
        head,
        ...e.changes.flatMap((c) => formatChange(c, detail)),
        ...e.notes.map((n) => `  ${n.level === 'warn' ? '! warning' : 'i'}: ${n.message}`),
      ]
    }
    case 'item-applied':
      // Without detail, the step's closing line gives the count.
      return detail.full ? [`  ✓ ${e.keys.join(', ')}`] : []
    case 'wait':
      return [`  … waiting ${formatDuration(e.ms)}${e.virtual ? ' (virtual clock)' : ''}: ${e.reason}`]
    case 'approval':
      return [`  ? ${e.question} → ${e.granted ? 'approved' : 'refused'}`]
    case 'step-done':
      return [`✔ ${e.step}: ${e.changed} item${e.changed === 1 ? '' : 's'} changed`]
    case 'step-skipped':
      return [`- ${e.step}: skipped (${e.reason})`]
    case 'step-failed':
      return [`✖ ${e.step} failed in ${e.phase}: ${e.error}`]
    case 'log':
      return [`  ${e.step}: ${e.message}`]
    case 'rollback-start':
      return [`↩ rolling back run ${e.source}: ${e.steps.length ? e.steps.join(', ') : 'nothing was changed'}`]
    case 'rollback-step':
      return [`↩ ${e.step}: restoring ${e.keys.length} item${e.keys.length === 1 ? '' : 's'}`]
    case 'rollback-drift':
      return [
        `  ! drift on ${e.key}${e.forced ? ' (--force: overwriting)' : ''}`,
        `      run set: ${short(e.expected)}`,
        `      now:     ${short(e.actual)}`,
      ]
    case 'rollback-step-done':
      return [`✔ ${e.step}: ${e.restored.length} restored${e.unchanged.length ? `, ${e.unchanged.length} already as before` : ''}${e.passed?.length ? `, ${e.passed.length} gone and passed (--force)` : ''}`]
    case 'rollback-skipped':
      return [`- ${e.step}: not undone (${e.reason})`]
    case 'rollback-failed':
      return [`✖ rollback of ${e.step}: ${e.error}`]
    case 'rollback-picked': {
      const over = e.passedOver.slice(0, 5).map((p) => `    passed over ${p.runId} (${p.playbook}): ${p.why}`)
      if (e.passedOver.length > 5) over.push(`    … and ${e.passedOver.length - 5} more newer runs passed over`)
      return [`↩ --last: run ${e.runId} (${e.playbook}${e.env ? `, env ${e.env}` : ''}), ${e.reason}`, ...over]
    }
    case 'rollback-already-done':
      return [`✔ run ${e.source} is already rolled back${e.by.length ? ` by ${e.by.join(', ')}` : ' (when it failed)'}: nothing left to undo`]
    case 'rollback-vanished':
      return [
        e.action === 'refused'
          ? `  ! ${e.key} no longer exists (deleted since the run); rerun with --force to pass it`
          : e.action === 'skipped'
            ? `  ! warning: ${e.key} no longer exists (deleted since the run); --force: skipped, not restored`
            : `  ! ${e.key} no longer exists (deleted since the run); --force: recreating it (${e.reason ?? 'its type recreates it'})`,
        `      before the run: ${short(e.before)}`,
      ]
    case 'rollback-left':
      return formatLeft(e)
    case 'run-end':
      return [e.status === 'planned' ? `plan ${e.exitCode === 0 ? 'complete' : 'incomplete: some steps could not be planned'}` : `${e.runId}: ${e.status} (exit ${e.exitCode})`]
    case 'notice':
      return [`${e.level === 'warn' ? 'warning' : 'note'}: ${e.message}`]
    default: {
      const never: never = e
      return [String(never)]
    }
  }
}

function formatLeft(e: Extract<EngineEvent, { kind: 'rollback-left' }>): string[] {
  const lines: string[] = []
  if (e.steps.length > 0) {
    lines.push(`! rollback of run ${e.source} stopped; still applied (newest first):`)
    for (const s of e.steps) lines.push(`    ${s.step}: ${s.keys.join(', ')}`)
  }
  if (e.jobs.length > 0) {
    lines.push(`! ${e.jobs.length} scheduled job${e.jobs.length === 1 ? '' : 's'} now run${e.jobs.length === 1 ? 's' : ''} on neither ECS nor Kubernetes:`)
    for (const j of e.jobs) lines.push(`    ${j.job}: ECS ${j.ecs}; Kubernetes ${j.kubernetes}`)
  }
  if (e.command) lines.push(`  to continue: ${e.command}`)
  return lines
}
