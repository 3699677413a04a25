/**
 * CronJob schedules (five-field cron or an `@hourly`-style descriptor, in `spec.timeZone` or UTC)
 * turned into fire times with cron-parser. Pure and deterministic; results are memoized because
 * the controller asks the same questions at every clock step.
 */
import { CronExpressionParser } from 'cron-parser'

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']

/** Why a schedule or time zone is unusable (the API server's wording), or null when it is valid. */
export function scheduleProblem(schedule: unknown, timeZone: unknown): { field: string; value: unknown; detail: string } | null {
  if (typeof schedule !== 'string' || schedule.trim() === '')
    return { field: 'spec.schedule', value: schedule ?? '', detail: 'Required value' }
  const s = schedule.trim()
  if (/^TZ=|^CRON_TZ=/.test(s)) return { field: 'spec.schedule', value: s, detail: 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead' }
  if (!DESCRIPTORS.includes(s) && s.split(/\s+/).length !== 5)
    return { field: 'spec.schedule', value: s, detail: `expected exactly 5 fields, found ${s.split(/\s+/).length}: ${s}` }
  if (timeZone !== undefined && timeZone !== null) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: String(timeZone) })
    } catch {
      return { field: 'spec.timeZone', value: timeZone, detail: `unknown time zone ${String(timeZone)}` }
    }
  }
  try {
    CronExpressionParser.parse(s, { tz: typeof timeZone === 'string' ? timeZone : 'UTC' })
  } catch (err) {
    return { field: 'spec.schedule', value: s, detail: (err as Error).message }
  }
  return null
}

const memo = new Map<string, number | null>()

function remember(key: string, compute: () => number | null): number | null {
  const hit = memo.get(key)
  if (hit !== undefined) return hit
  const v = compute()
  if (memo.size > 50_000) memo.clear()
  memo.set(key, v)
  return v
}

/** The first fire time strictly after `after` (epoch ms), or null when the schedule is invalid. */
export function nextFire(schedule: string, timeZone: string | undefined, after: number): number | null {
  return remember(`n|${schedule}|${timeZone ?? ''}|${after}`, () => {
    try {
      return CronExpressionParser.parse(schedule.trim(), { currentDate: new Date(after), tz: timeZone ?? 'UTC' }).next().getTime()
    } catch {
      return null
    }
  })
}

/** The last fire time at or before `at`, or null. */
export function lastFireAtOrBefore(schedule: string, timeZone: string | undefined, at: number): number | null {
  return remember(`p|${schedule}|${timeZone ?? ''}|${at}`, () => {
    try {
      return CronExpressionParser.parse(schedule.trim(), { currentDate: new Date(at + 1), tz: timeZone ?? 'UTC' }).prev().getTime()
    } catch {
      return null
    }
  })
}

/**
 * The most recent fire time in (earliest, now], or null: the only missed time the real
 * controller acts on, however many it missed.
 */
export function mostRecentMissed(schedule: string, timeZone: string | undefined, earliest: number, now: number): number | null {
  const first = nextFire(schedule, timeZone, earliest)
  if (first === null || first > now) return null
  return lastFireAtOrBefore(schedule, timeZone, now)
}
