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
 * - Each (source, scheduledAt) is recorded once, even if runAt runs twice for the same instant.
 * - Malformed expressions launch nothing (the sandbox does not guess).
 */
import { createHash } from 'node:crypto'
import type { LedgerEntry } from '../estate.js'
import type { Controller } from '../types.js'
import { nextScheduled, scheduledJobs, type Job } from './scheduled-jobs.js'

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
    for (const job of scheduledJobs(sb)) {
      const t = nextLaunch(job, after)
      if (t !== null && (best === null || t < best)) best = t
    }
    return best
  },

  runAt(t, sb) {
    const ledger = sb.estate.ledger
    const launchedAt = new Date(t).toISOString()
    // A launch's time is a function of its scheduled time, so a repeat can only be among the
    // entries launched at this very instant, which are the ledger's tail (it is in time order).
    const seen = new Set<string>()
    for (let i = ledger.length - 1; i >= 0 && (ledger[i] as LedgerEntry).launchedAt >= launchedAt; i--) {
      const e = ledger[i] as LedgerEntry
      if (e.platform === 'ecs') seen.add(`${e.source}@${e.scheduledAt}`)
    }
    const due: LedgerEntry[] = []
    for (const job of scheduledJobs(sb)) {
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
