/**
 * ECS scheduled tasks on the sandbox clock. Every ENABLED EventBridge rule with an ECS target
 * (a target with EcsParameters) and every ENABLED Scheduler schedule whose Target has
 * EcsParameters launches a task at each of its fire times, recorded as one ledger entry
 * `{job: Name, scheduledAt, launchedAt, platform: 'ecs', source: ARN}`.
 *
 * Guarantees:
 * - Rules fire in UTC, rate() rules on the epoch-aligned grid (see sandbox/schedule-expr.ts);
 *   launchedAt = scheduledAt.
 * - Schedules fire in their ScheduleExpressionTimezone, within StartDate..EndDate, rate() anchored
 *   at StartDate (epoch when none), and only for scheduled times after LastModificationDate (a
 *   definition applies from when it was written). A FLEXIBLE window delays launchedAt by a
 *   deterministic whole number of seconds below the window; scheduledAt stays the nominal time.
 * - Whether a job launches is decided by its state at the launch instant: disabled jobs launch
 *   nothing, and nothing is caught up when they are enabled again.
 * - Each (source, scheduledAt) is recorded once, whatever the order of calls.
 * - Malformed expressions launch nothing (the sandbox does not guess).
 */
import { createHash } from 'node:crypto'
import type { LedgerEntry } from '../estate.js'
import { nextFireTime, parseScheduleExpression, type ParsedSchedule } from '../schedule-expr.js'
import type { Controller, SandboxCore } from '../types.js'

/** One scheduled ECS job as the launcher sees it. */
type Job = {
  name: string
  source: string
  parsed: ParsedSchedule
  expression: string
  timezone: string
  anchor: number
  /** Scheduled times must be > from and <= until. */
  from: number
  until: number
  windowMs: number
}

function jobs(sb: SandboxCore): Job[] {
  const out: Job[] = []
  for (const rule of sb.estate.events.rules) {
    if (rule.State === 'DISABLED' || !rule.ScheduleExpression || !rule.Targets.some((t) => t.EcsParameters)) continue
    const parsed = parse(rule.ScheduleExpression)
    if (!parsed) continue
    out.push({ name: rule.Name, source: rule.Arn, parsed, expression: rule.ScheduleExpression, timezone: 'UTC', anchor: 0, from: -Infinity, until: Infinity, windowMs: 0 })
  }
  for (const s of sb.estate.scheduler.schedules) {
    if (s.State !== 'ENABLED' || !s.Target.EcsParameters) continue
    const parsed = parse(s.ScheduleExpression)
    if (!parsed) continue
    const start = s.StartDate ? Date.parse(s.StartDate) : undefined
    const modified = Date.parse(s.LastModificationDate)
    out.push({
      name: s.Name,
      source: s.Arn,
      parsed,
      expression: s.ScheduleExpression,
      timezone: s.ScheduleExpressionTimezone ?? 'UTC',
      anchor: start ?? 0,
      // StartDate is inclusive: a time equal to it fires.
      from: Math.max(Number.isNaN(modified) ? -Infinity : modified, start === undefined ? -Infinity : start - 1),
      until: s.EndDate ? Date.parse(s.EndDate) : Infinity,
      windowMs: s.FlexibleTimeWindow.Mode === 'FLEXIBLE' ? (s.FlexibleTimeWindow.MaximumWindowInMinutes ?? 0) * 60_000 : 0,
    })
  }
  return out
}

const parsedCache = new Map<string, ParsedSchedule | null>()
function parse(expression: string): ParsedSchedule | null {
  if (!parsedCache.has(expression)) {
    let parsed: ParsedSchedule | null = null
    try {
      parsed = parseScheduleExpression(expression)
    } catch {
      parsed = null
    }
    parsedCache.set(expression, parsed)
  }
  return parsedCache.get(expression) ?? null
}

// Many jobs share an expression and every job is asked about the same instant, so the next
// fire time is memoized by (expression, zone, anchor, after).
const nextCache = new Map<string, number | null>()
function nextScheduled(job: Job, after: number): number | null {
  const from = Math.max(after, job.from)
  const key = `${job.expression}\u0000${job.timezone}\u0000${job.anchor}\u0000${from}`
  let t = nextCache.get(key)
  if (t === undefined) {
    if (nextCache.size > 50_000) nextCache.clear()
    t = nextFireTime(job.parsed, from, { timezone: job.timezone, anchor: job.anchor })
    nextCache.set(key, t)
  }
  return t !== null && t <= job.until ? t : null
}

/** Launch delay inside a flexible window: a fixed function of the job and its scheduled time. */
function delay(job: Job, scheduledAt: number): number {
  if (job.windowMs === 0) return 0
  const seconds = job.windowMs / 1000
  return (createHash('sha256').update(`${job.source}@${scheduledAt}`).digest().readUInt32BE(0) % seconds) * 1000
}

/** Scheduled times of `job` whose launch falls in (after, until], earliest launch first. */
function launches(job: Job, after: number, until: number): Array<{ scheduledAt: number; launchedAt: number }> {
  const out: Array<{ scheduledAt: number; launchedAt: number }> = []
  // A time scheduled up to one window before `after` may still launch after it.
  for (let t = nextScheduled(job, after - job.windowMs); t !== null && t <= until; t = nextScheduled(job, t)) {
    const launchedAt = t + delay(job, t)
    if (launchedAt > after && launchedAt <= until) out.push({ scheduledAt: t, launchedAt })
  }
  return out.sort((a, b) => a.launchedAt - b.launchedAt)
}

function nextLaunch(job: Job, after: number): number | null {
  const first = nextScheduled(job, after - job.windowMs)
  if (first === null) return null
  // The earliest launch lies within one window of the first scheduled time that launches after `after`.
  const next = launches(job, after, Math.max(first, after) + job.windowMs)
  return next.length > 0 ? (next[0] as { launchedAt: number }).launchedAt : nextLaunch(job, Math.max(first, after) + job.windowMs)
}

export const ecsLauncher: Controller = {
  name: 'ecs-launcher',

  nextEventAfter(after, sb) {
    let best: number | null = null
    for (const job of jobs(sb)) {
      const t = nextLaunch(job, after)
      if (t !== null && (best === null || t < best)) best = t
    }
    return best
  },

  runAt(t, sb) {
    const ledger = sb.estate.ledger
    const seen = new Set(ledger.filter((e) => e.platform === 'ecs').map((e) => `${e.source}@${e.scheduledAt}`))
    const launchedAt = new Date(t).toISOString()
    const due: LedgerEntry[] = []
    for (const job of jobs(sb)) {
      for (const l of launches(job, t - 1, t)) {
        const scheduledAt = new Date(l.scheduledAt).toISOString()
        if (seen.has(`${job.source}@${scheduledAt}`)) continue
        due.push({ job: job.name, scheduledAt, launchedAt, platform: 'ecs', source: job.source })
      }
    }
    due.sort((a, b) => (a.job < b.job ? -1 : a.job > b.job ? 1 : 0))
    ledger.push(...due)
  },
}
