/**
 * The cron handover from ECS to a Kubernetes CronJob, as a pure decision.
 *
 * How the real CronJob controller decides once a CronJob is unsuspended: it takes the earliest
 * time as `status.lastScheduleTime` (or the creation time), moved up to `now -
 * startingDeadlineSeconds` when a deadline is set; of the scheduled times between that and now it
 * considers only the most recent one; it skips it when it is older than the deadline and
 * otherwise starts one Job for it and sets `lastScheduleTime` to it. A skipped time does not move
 * `lastScheduleTime`, so it stays "missed" for as long as a deadline lets it be seen.
 *
 * The decision, for a CronJob resumed at `now` whose ECS counterpart was disabled at `disabledAt`
 * (times up to `disabledAt` belong to ECS; the gap is the scheduled times in (disabledAt, now]):
 * - catch up (`catchUp: gap` and a non-empty gap): the most recent scheduled time is the last gap
 *   time; a temporary deadline of its age plus a grace lets the controller start it once. Only if
 *   the CronJob was created after that time is `lastScheduleTime` set (to the disable time) so the
 *   controller can see it at all.
 * - skip (`catchUp: none`, or an empty gap, or no known disable time): the most recent scheduled
 *   time is marked as done by setting `lastScheduleTime` to it (as `kubectl --subresource=status`
 *   can), and a temporary deadline shorter than its age keeps the controller from starting it
 *   meanwhile. The mark is what makes restoring the original deadline safe: without it, an absent
 *   deadline would let the controller start the time ECS already ran.
 * Either way only the most recent time can ever start, so no earlier time runs again.
 */
import { CronExpressionParser } from 'cron-parser'
import { createRequire } from 'node:module'

// cron-parser computes its times with luxon, which asks Intl for the system's locale the first
// time it makes a date. That one question loads ICU's locale and calendar data, about 6 MiB of the
// process's memory, though no time here is ever formatted for a locale. With a locale of its own
// luxon asks nothing, and a CronJob in UTC (the default) needs no ICU data at all. It is the luxon
// that cron-parser requires: an `import` would get luxon's other build, a copy of its own.
const luxon = createRequire(import.meta.url)('luxon') as typeof import('luxon')
luxon.Settings.defaultLocale = 'en-US'

export type CronJobView = {
  schedule: string
  timeZone?: string
  creationTimestamp: number
  lastScheduleTime?: number
}

export type Handover = {
  /** Scheduled times in (disabledAt, now], newest last (at most {@link MAX_LISTED}). */
  gap: number[]
  gapCount: number
  /** The one gap time the controller is made to start, or null. */
  catchUp: number | null
  /** Gap times that will not run. */
  skipped: number[]
  /** `status.lastScheduleTime` to write before resuming, or null to leave it. */
  markLastScheduleTime: number | null
  /** `spec.startingDeadlineSeconds` while resuming, restored to the original afterwards. */
  deadlineSeconds: number
  /** Why nothing is caught up when there is a gap or a missing disable time. */
  reason?: string
}

export const MAX_LISTED = 100

/**
 * One walk back from `to` through the schedule: the latest scheduled time at or before `to`, and
 * when `from` is given the times in (from, to], newest last (at most `max` of them, the newest)
 * with their count. One walk serves both questions a handover asks, since each step back is
 * costly for a CronJob with a time zone (every date computed through Intl).
 */
function walkBack(cj: Pick<CronJobView, 'schedule' | 'timeZone'>, from: number | null, to: number, max = MAX_LISTED): { latest: number | null; times: number[]; count: number } {
  const it = CronExpressionParser.parse(cj.schedule, { currentDate: new Date(to + 60_000), tz: cj.timeZone ?? 'UTC' })
  let latest: number | null = null
  const times: number[] = []
  let count = 0
  for (let ahead = 0; ; ) {
    const t = it.prev().getTime()
    if (t > to) {
      if (++ahead > 1000) break
      continue
    }
    latest ??= t
    if (from === null || t <= from) break
    count++
    if (times.length < max) times.push(t)
    if (count > 100_000) break
  }
  return { latest, times: times.reverse(), count }
}

/** Scheduled times in (from, to], newest last; at most `max` of them (the newest), and the count. */
export function scheduledBetween(cj: Pick<CronJobView, 'schedule' | 'timeZone'>, from: number, to: number, max = MAX_LISTED): { times: number[]; count: number } {
  const { times, count } = walkBack(cj, from, to, max)
  return { times, count }
}

export function planHandover(cj: CronJobView, disabledAt: number | null, catchUp: 'gap' | 'none', now: number, graceSeconds: number): Handover {
  const { latest: last, times: gap, count: gapCount } = walkBack(cj, disabledAt, now)
  const earliest = cj.lastScheduleTime ?? cj.creationTimestamp
  const base = { gap, gapCount }
  if (catchUp === 'gap' && gap.length > 0 && last !== null) {
    if (cj.lastScheduleTime !== undefined && cj.lastScheduleTime >= last) {
      return { ...base, catchUp: null, skipped: gap, markLastScheduleTime: null, deadlineSeconds: skipDeadline(last, now), reason: 'Kubernetes already ran it' }
    }
    const mark = earliest >= last ? Math.floor((disabledAt as number) / 1000) * 1000 : null
    return { ...base, catchUp: last, skipped: gap.slice(0, -1), markLastScheduleTime: mark, deadlineSeconds: Math.ceil((now - last) / 1000) + graceSeconds }
  }
  const reason = disabledAt === null ? 'no ECS disable time is known' : gap.length === 0 ? undefined : 'catchUp is none'
  const mark = last !== null && last > earliest ? last : null
  return { ...base, catchUp: null, skipped: gap, markLastScheduleTime: mark, deadlineSeconds: last === null ? 0 : skipDeadline(last, now), ...(reason ? { reason } : {}) }
}

/** A deadline shorter than the age of `last`, so the controller finds it too late. */
function skipDeadline(last: number, now: number): number {
  return Math.max(0, Math.floor((now - last) / 1000) - 1)
}

/**
 * A handover as it was decided at `resumedAt`, rebuilt from the catch-up time its marker recorded
 * (a rerun finishing a handover a dead runner began): the same gap, the same time caught up, and
 * every other gap time skipped.
 */
export function recordedHandover(
  cj: Pick<CronJobView, 'schedule' | 'timeZone'>,
  disabledAt: number | null,
  resumedAt: number,
  catchUp: number | null,
  policy: 'gap' | 'none',
  deadlineSeconds: number,
): Handover {
  const { times: gap, count: gapCount } = disabledAt === null ? { times: [], count: 0 } : scheduledBetween(cj, disabledAt, resumedAt)
  const reason = disabledAt === null ? 'no ECS disable time is known' : catchUp !== null || gap.length === 0 ? undefined : policy === 'none' ? 'catchUp is none' : 'Kubernetes already ran it'
  return { gap, gapCount, catchUp, skipped: gap.filter((t) => t !== catchUp), markLastScheduleTime: null, deadlineSeconds, ...(reason ? { reason } : {}) }
}
