import { describe, expect, it } from 'vitest'
import { fireTimesBetween, nextFireTime, parseScheduleExpression, ScheduleExpressionError } from '../sandbox/schedule-expr.js'

const t = (iso: string) => Date.parse(iso)
const iso = (ms: number[]) => ms.map((x) => new Date(x).toISOString())

describe('schedule expressions', () => {
  it('fires an hourly cron at each full hour, strictly after the start', () => {
    expect(iso(fireTimesBetween('cron(0 * * * ? *)', t('2026-03-02T01:00:00Z'), t('2026-03-02T04:00:00Z')))).toEqual([
      '2026-03-02T02:00:00.000Z',
      '2026-03-02T03:00:00.000Z',
      '2026-03-02T04:00:00.000Z',
    ])
  })

  it('reads a Scheduler cron in its time zone, across a daylight-saving change', () => {
    // 02:00 Berlin is 01:00Z in winter and 00:00Z in summer (DST starts 2026-03-29).
    expect(iso(fireTimesBetween('cron(0 2 * * ? *)', t('2026-03-27T12:00:00Z'), t('2026-03-31T12:00:00Z'), { timezone: 'Europe/Berlin' }))).toEqual([
      '2026-03-28T01:00:00.000Z',
      '2026-03-29T01:00:00.000Z', // 02:00 does not exist that day: it runs right after the jump, at 03:00 CEST
      '2026-03-30T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
    ])
    expect(nextFireTime('cron(15 * * * ? *)', t('2026-03-02T01:45:00Z'), { timezone: 'America/New_York' })).toBe(t('2026-03-02T02:15:00Z'))
    expect(nextFireTime('cron(0 9 * * ? *)', t('2026-03-02T00:00:00Z'), { timezone: 'Asia/Kolkata' })).toBe(t('2026-03-02T03:30:00Z'))
  })

  it('counts day-of-week from Sunday = 1 and supports L, # and W', () => {
    // 2026-03-02 is a Monday. AWS 2 = Monday.
    expect(nextFireTime('cron(0 8 ? * 2 *)', t('2026-03-02T09:00:00Z'))).toBe(t('2026-03-09T08:00:00Z'))
    expect(nextFireTime('cron(0 8 ? * MON-FRI *)', t('2026-03-06T09:00:00Z'))).toBe(t('2026-03-09T08:00:00Z'))
    expect(nextFireTime('cron(0 8 ? * 6L *)', t('2026-03-01T00:00:00Z'))).toBe(t('2026-03-27T08:00:00Z')) // last Friday
    expect(nextFireTime('cron(0 8 ? * 2#1 *)', t('2026-03-03T00:00:00Z'))).toBe(t('2026-04-06T08:00:00Z')) // first Monday
    expect(nextFireTime('cron(0 8 L * ? *)', t('2026-02-01T00:00:00Z'))).toBe(t('2026-02-28T08:00:00Z'))
    // 2026-03-15 is a Sunday: nearest weekday is Monday the 16th. 2026-05-31 is a Sunday: LW is Friday the 29th.
    expect(nextFireTime('cron(0 8 15W * ? *)', t('2026-03-01T00:00:00Z'))).toBe(t('2026-03-16T08:00:00Z'))
    expect(nextFireTime('cron(0 8 LW * ? *)', t('2026-05-01T00:00:00Z'))).toBe(t('2026-05-29T08:00:00Z'))
  })

  it('honours the year field and ends when no year is left', () => {
    expect(nextFireTime('cron(0 0 1 1 ? 2028)', t('2026-03-02T00:00:00Z'))).toBe(t('2028-01-01T00:00:00Z'))
    expect(nextFireTime('cron(0 0 1 1 ? 2025)', t('2026-03-02T00:00:00Z'))).toBeNull()
  })

  it('anchors rate() at the epoch by default, or at the given anchor', () => {
    expect(iso(fireTimesBetween('rate(30 minutes)', t('2026-03-02T01:45:00Z'), t('2026-03-02T03:00:00Z')))).toEqual([
      '2026-03-02T02:00:00.000Z',
      '2026-03-02T02:30:00.000Z',
      '2026-03-02T03:00:00.000Z',
    ])
    const anchor = t('2026-03-02T01:07:00Z')
    expect(nextFireTime('rate(1 hour)', t('2026-03-02T00:00:00Z'), { anchor })).toBe(anchor)
    expect(nextFireTime('rate(1 hour)', anchor, { anchor })).toBe(t('2026-03-02T02:07:00Z'))
    expect(nextFireTime('rate(2 days)', anchor + 1, { anchor })).toBe(t('2026-03-04T01:07:00Z'))
  })

  it('fires at() once, at a wall time in the zone', () => {
    expect(nextFireTime('at(2026-03-10T09:00:00)', t('2026-03-02T00:00:00Z'), { timezone: 'Europe/Berlin' })).toBe(t('2026-03-10T08:00:00Z'))
    expect(nextFireTime('at(2026-03-10T09:00:00)', t('2026-03-10T08:00:00Z'), { timezone: 'Europe/Berlin' })).toBeNull()
  })

  it('refuses what AWS refuses', () => {
    for (const bad of [
      'cron(0 * * * *)',
      'cron(0 * * * * *)',
      'cron(0 * ? * ? *)',
      'cron(61 * * * ? *)',
      'rate(1 minutes)',
      'rate(5 minute)',
      'rate(0 minutes)',
      'rate(5 weeks)',
      'at(2026-02-30T00:00:00)',
      'every hour',
    ]) {
      expect(() => parseScheduleExpression(bad), bad).toThrow(ScheduleExpressionError)
    }
    expect(() => nextFireTime('rate(5 minutes)', 0, { timezone: 'Mars/Olympus' })).toThrow(ScheduleExpressionError)
  })
})
