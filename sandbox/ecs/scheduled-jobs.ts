/**
 * The ECS jobs the estate schedules: ENABLED EventBridge rules with an ECS target and ENABLED
 * Scheduler schedules whose Target has EcsParameters, each with its scheduled times.
 *
 * Rules are read in UTC with rate() on the epoch-aligned grid. Schedules are read in their
 * ScheduleExpressionTimezone, within StartDate..EndDate (rate() anchored at StartDate, else the
 * epoch), and only after LastModificationDate: a definition applies from when it was written.
 */
import type { EventRule, Schedule } from '../estate.js'
import { nextFireTime, parseScheduleExpression, type ParsedSchedule } from '../schedule-expr.js'
import type { SandboxCore } from '../types.js'

/** One scheduled ECS job. `run` caches its fire times (see {@link nextScheduled}). */
export type Job = {
  name: string
  source: string
  parsed: ParsedSchedule
  timezone: string
  anchor: number
  /** Scheduled times are > from and <= until. */
  from: number
  until: number
  /** Width of a FLEXIBLE window (0 when OFF). */
  windowMs: number
  run: { from: number; times: number[]; done: boolean } | null
}

// Jobs are asked for at every clock event; they are rebuilt only when what defines them changes.
// UpdateSchedule replaces a schedule object and Enable/DisableRule change a rule's State in place,
// so object identity plus State and expression is a sufficient key.
type Cached = { state: string; expression: string | undefined; job: Job | null }
const cache = new WeakMap<object, Cached>()

export function scheduledJobs(sb: SandboxCore): Job[] {
  const out: Job[] = []
  for (const rule of sb.estate.events.rules) {
    const job = cached(rule, rule.State, rule.ScheduleExpression, () => ruleJob(rule))
    if (job) out.push(job)
  }
  for (const s of sb.estate.scheduler.schedules) {
    const job = cached(s, s.State, s.ScheduleExpression, () => scheduleJob(s))
    if (job) out.push(job)
  }
  return out
}

function cached(obj: object, state: string, expression: string | undefined, build: () => Job | null): Job | null {
  const hit = cache.get(obj)
  if (hit && hit.state === state && hit.expression === expression) return hit.job
  const job = build()
  cache.set(obj, { state, expression, job })
  return job
}

function ruleJob(rule: EventRule): Job | null {
  if (rule.State === 'DISABLED' || !rule.ScheduleExpression || !rule.Targets.some((t) => t.EcsParameters)) return null
  const parsed = parse(rule.ScheduleExpression)
  if (!parsed) return null
  return { name: rule.Name, source: rule.Arn, parsed, timezone: 'UTC', anchor: 0, from: -Infinity, until: Infinity, windowMs: 0, run: null }
}

function scheduleJob(s: Schedule): Job | null {
  if (s.State !== 'ENABLED' || !s.Target.EcsParameters) return null
  const parsed = parse(s.ScheduleExpression)
  if (!parsed) return null
  const start = s.StartDate ? Date.parse(s.StartDate) : undefined
  const modified = Date.parse(s.LastModificationDate)
  return {
    name: s.Name,
    source: s.Arn,
    parsed,
    timezone: s.ScheduleExpressionTimezone ?? 'UTC',
    anchor: start ?? 0,
    // StartDate is inclusive: a time equal to it fires.
    from: Math.max(Number.isNaN(modified) ? -Infinity : modified, start === undefined ? -Infinity : start - 1),
    until: s.EndDate ? Date.parse(s.EndDate) : Infinity,
    windowMs: s.FlexibleTimeWindow.Mode === 'FLEXIBLE' ? (s.FlexibleTimeWindow.MaximumWindowInMinutes ?? 0) * 60_000 : 0,
    run: null,
  }
}

/** Malformed expressions schedule nothing (the sandbox does not guess what was meant). */
function parse(expression: string): ParsedSchedule | null {
  try {
    return parseScheduleExpression(expression)
  } catch {
    return null
  }
}

/**
 * The job's first scheduled time strictly after `after`, or null. Fire times are cached as a run
 * of consecutive times: `times` are exactly the fire times in (run.from, last], `done` means none
 * follow, so a query inside the run costs a binary search.
 */
export function nextScheduled(job: Job, after: number): number | null {
  const from = Math.max(after, job.from)
  let run = job.run
  if (!run || from < run.from) run = job.run = { from, times: [], done: false }
  while (!run.done && (run.times.length === 0 || (run.times[run.times.length - 1] as number) <= from)) {
    const last = run.times.length === 0 ? run.from : (run.times[run.times.length - 1] as number)
    const t = nextFireTime(job.parsed, last, { timezone: job.timezone, anchor: job.anchor })
    if (t === null) run.done = true
    else run.times.push(t)
  }
  if (run.times.length > 512) {
    const drop = run.times.length - 256
    run.from = run.times[drop - 1] as number
    run.times = run.times.slice(drop)
  }
  const t = firstAfter(run.times, from)
  return t !== null && t <= job.until ? t : null
}

function firstAfter(times: number[], x: number): number | null {
  let lo = 0
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((times[mid] as number) <= x) lo = mid + 1
    else hi = mid
  }
  return lo < times.length ? (times[lo] as number) : null
}
