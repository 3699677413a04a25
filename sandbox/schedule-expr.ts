/**
 * AWS schedule expressions (EventBridge rules and EventBridge Scheduler) turned into fire times.
 *
 * - `cron(minutes hours day-of-month month day-of-week year)`: AWS's six fields. Exactly one of
 *   day-of-month and day-of-week is `?`; day-of-week counts 1-7 from Sunday; `L`, `#` and `W`
 *   (`15W`, `LW`) are supported. The calendar work is done by cron-parser; this module only
 *   translates AWS's dialect into it and filters by year and by `W`.
 * - `rate(N minute|minutes|hour|hours|day|days)`: fires at `anchor + k * period` (k >= 0). AWS
 *   counts a rule's rate from its creation; the sandbox has no creation instant for seeded rules,
 *   so callers pass an anchor and the default is the Unix epoch, which makes `rate(30 minutes)`
 *   fire at :00 and :30 UTC. Schedules with a StartDate anchor at it.
 * - `at(yyyy-mm-ddThh:mm:ss)`: one fire time, a wall-clock time in the expression's time zone.
 *
 * Times are epoch milliseconds. Every function is pure and deterministic.
 */
import { CronExpressionParser } from 'cron-parser'

/** A schedule expression that AWS would refuse (the message says what is wrong). */
export class ScheduleExpressionError extends Error {
  constructor(readonly expression: string, reason: string, options?: { cause?: unknown }) {
    super(`Invalid schedule expression ${JSON.stringify(expression)}: ${reason}`, options)
    this.name = 'ScheduleExpressionError'
  }
}

export type ParsedSchedule =
  | { kind: 'cron'; cron: string; years: (year: number) => boolean; lastYear: number | null; weekday: WeekdayRule | null }
  | { kind: 'rate'; periodMs: number }
  | { kind: 'at'; wall: [number, number, number, number, number, number] }

/** `15W` (nearest weekday to the 15th) or `LW` (last weekday of the month). */
type WeekdayRule = { day: number | 'L' }

export type FireOptions = {
  /** IANA zone the expression is read in (Scheduler's ScheduleExpressionTimezone); default UTC. */
  timezone?: string
  /** Anchor of rate() expressions, epoch ms; default 0 (epoch-aligned). */
  anchor?: number
}

const MINUTE = 60_000
const RATE_UNITS: Record<string, number> = { minute: MINUTE, hour: 60 * MINUTE, day: 1440 * MINUTE }
/** Guards the year and `W` filters against expressions that can never fire. */
const MAX_CANDIDATES = 2_000

/** Parse and validate an expression; throws {@link ScheduleExpressionError}. */
export function parseScheduleExpression(expression: string): ParsedSchedule {
  const m = /^(cron|rate|at)\((.*)\)$/.exec(expression.trim())
  if (!m) throw new ScheduleExpressionError(expression, 'expected cron(...), rate(...) or at(...)')
  const [, kind, body] = m as unknown as [string, string, string]
  if (kind === 'rate') return parseRate(expression, body)
  if (kind === 'at') return parseAt(expression, body)
  return parseCron(expression, body)
}

function parseRate(expression: string, body: string): ParsedSchedule {
  const m = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/.exec(body)
  if (!m) throw new ScheduleExpressionError(expression, 'expected rate(N minutes|hours|days)')
  const n = Number(m[1])
  const unit = m[2] as string
  if (n < 1) throw new ScheduleExpressionError(expression, 'the rate must be a positive number')
  if ((n === 1) !== !unit.endsWith('s')) {
    throw new ScheduleExpressionError(expression, 'use the singular unit for 1 and the plural otherwise')
  }
  return { kind: 'rate', periodMs: n * (RATE_UNITS[unit.replace(/s$/, '')] as number) }
}

function parseAt(expression: string, body: string): ParsedSchedule {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body.trim())
  if (!m) throw new ScheduleExpressionError(expression, 'expected at(yyyy-mm-ddThh:mm:ss)')
  const wall = m.slice(1).map(Number) as [number, number, number, number, number, number]
  const probe = new Date(Date.UTC(wall[0], wall[1] - 1, wall[2], wall[3], wall[4], wall[5]))
  if (probe.getUTCMonth() !== wall[1] - 1 || probe.getUTCDate() !== wall[2] || wall[3] > 23) {
    throw new ScheduleExpressionError(expression, 'no such date or time')
  }
  return { kind: 'at', wall }
}

function parseCron(expression: string, body: string): ParsedSchedule {
  const fields = body.trim().split(/\s+/)
  if (fields.length !== 6) throw new ScheduleExpressionError(expression, 'cron() takes six fields')
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string]
  if ((dom === '?') === (dow === '?')) {
    throw new ScheduleExpressionError(expression, 'exactly one of day-of-month and day-of-week must be ?')
  }
  let weekday: WeekdayRule | null = null
  let domField = dom
  const w = /^(\d{1,2}|L)W$/.exec(dom)
  if (w) {
    weekday = { day: w[1] === 'L' ? 'L' : Number(w[1]) }
    // The nearest weekday lies within two days of the target; the filter picks the exact one.
    domField = weekday.day === 'L' ? '26-31' : `${Math.max(1, weekday.day - 2)}-${Math.min(31, weekday.day + 2)}`
  }
  const cron = ['0', min, hour, domField === '?' ? '*' : domField, month, dow === '?' ? '*' : awsDowToCron(dow)].join(' ')
  try {
    CronExpressionParser.parse(cron, { currentDate: 0 })
  } catch (cause) {
    throw new ScheduleExpressionError(expression, (cause as Error).message, { cause })
  }
  const { test, last } = parseYears(expression, year)
  return { kind: 'cron', cron, years: test, lastYear: last, weekday }
}

/** AWS numbers days of the week 1-7 from Sunday; cron-parser 0-6. The part after `#` is an ordinal. */
function awsDowToCron(field: string): string {
  if (field === 'L') return '6'
  return field
    .split(',')
    .map((item) => {
      const [head, step] = item.split('/') as [string, string | undefined]
      const mapped = head.replace(/(^|-)([1-7])(?=$|-|L|#)/g, (_m, pre: string, d: string) => pre + (Number(d) - 1))
      return step === undefined ? mapped : `${mapped}/${step}`
    })
    .join(',')
}

function parseYears(expression: string, field: string): { test: (y: number) => boolean; last: number | null } {
  if (field === '*' || field === '?') return { test: () => true, last: null }
  const parts = field.split(',').map((item) => {
    const m = /^(\d{4})(?:-(\d{4}))?(?:\/(\d+))?$/.exec(item)
    if (!m) throw new ScheduleExpressionError(expression, `bad year field ${JSON.stringify(field)}`)
    const from = Number(m[1])
    const to = m[2] ? Number(m[2]) : m[3] ? 2199 : from
    return { from, to, step: m[3] ? Number(m[3]) : 1 }
  })
  return {
    test: (y) => parts.some((p) => y >= p.from && y <= p.to && (y - p.from) % p.step === 0),
    last: Math.max(...parts.map((p) => p.to)),
  }
}

/** The first fire time strictly after `after`, or null when there is none. */
export function nextFireTime(expression: string | ParsedSchedule, after: number, opts: FireOptions = {}): number | null {
  const parsed = typeof expression === 'string' ? parseScheduleExpression(expression) : expression
  const tz = opts.timezone ?? 'UTC'
  assertTimezone(tz)
  if (parsed.kind === 'rate') {
    const anchor = opts.anchor ?? 0
    if (after < anchor) return anchor
    return anchor + (Math.floor((after - anchor) / parsed.periodMs) + 1) * parsed.periodMs
  }
  if (parsed.kind === 'at') {
    const t = wallTimeToEpoch(parsed.wall, tz)
    return t > after ? t : null
  }
  return nextCron(parsed, after, tz)
}

/** Every fire time in `(from, to]`, in order. */
export function fireTimesBetween(expression: string | ParsedSchedule, from: number, to: number, opts: FireOptions = {}): number[] {
  const parsed = typeof expression === 'string' ? parseScheduleExpression(expression) : expression
  const out: number[] = []
  for (let t = nextFireTime(parsed, from, opts); t !== null && t <= to; t = nextFireTime(parsed, t, opts)) out.push(t)
  return out
}

function nextCron(parsed: Extract<ParsedSchedule, { kind: 'cron' }>, after: number, tz: string): number | null {
  let iter = CronExpressionParser.parse(parsed.cron, { currentDate: after, tz })
  for (let i = 0; i < MAX_CANDIDATES; i++) {
    const d = iter.next()
    const year = d.getFullYear()
    if (parsed.lastYear !== null && year > parsed.lastYear) return null
    if (!parsed.years(year)) {
      // Jump to (just before) the next year in the zone; the filter drops anything early.
      iter = CronExpressionParser.parse(parsed.cron, { currentDate: Date.UTC(year + 1, 0, 1) - 86_400_000, tz })
      continue
    }
    if (parsed.weekday && d.getDate() !== nearestWeekday(year, d.getMonth(), parsed.weekday.day)) continue
    return d.getTime()
  }
  return null
}

/** Day of month AWS's `W` picks: the weekday nearest the target, never leaving the month. */
function nearestWeekday(year: number, month: number, day: number | 'L'): number {
  const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const target = day === 'L' ? daysInMonth : Math.min(day, daysInMonth)
  const dow = new Date(Date.UTC(year, month, target)).getUTCDay()
  if (dow === 6) return target === 1 ? 3 : target - 1
  if (dow === 0) return target === daysInMonth ? target - 2 : target + 1
  return target
}

/** Epoch ms of a wall-clock time in `tz` (the first instant it occurs). */
function wallTimeToEpoch(wall: [number, number, number, number, number, number], tz: string): number {
  const [y, mo, d, h, mi, s] = wall
  const cron = `${s} ${mi} ${h} ${d} ${mo} *`
  const start = Date.UTC(y, 0, 1) - 2 * 86_400_000
  const t = CronExpressionParser.parse(cron, { currentDate: start, tz }).next()
  return t.getTime()
}

const knownZones = new Set<string>()
/** Throws {@link ScheduleExpressionError} for a zone the runtime does not know. */
export function assertTimezone(tz: string): void {
  if (knownZones.has(tz)) return
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
  } catch (cause) {
    throw new ScheduleExpressionError(tz, `unknown time zone ${JSON.stringify(tz)}`, { cause })
  }
  knownZones.add(tz)
}
