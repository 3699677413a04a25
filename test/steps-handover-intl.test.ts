/**
 * The cron handover's scheduled times for a CronJob in UTC (no `timeZone`, the default) need no
 * ICU data: luxon, which cron-parser computes with, is given a locale so it never asks Intl for
 * the system's (that question alone loads about 6 MiB of locale and calendar data). A CronJob
 * with a time zone still needs Intl for its offsets, as it must.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { scheduledBetween } from '../steps/kube/handover.js'

const made: unknown[][] = []
const original = Intl.DateTimeFormat
beforeEach(() => {
  made.length = 0
  Intl.DateTimeFormat = new Proxy(original, {
    construct(target, args) {
      made.push(args)
      return new target(...(args as []))
    },
  })
})
afterEach(() => {
  Intl.DateTimeFormat = original
})

const day = 24 * 3600_000
const t0 = Date.parse('2026-03-02T00:00:00Z')

describe('scheduled times and Intl', () => {
  it('a CronJob in UTC: the times, and no Intl.DateTimeFormat made', () => {
    const r = scheduledBetween({ schedule: '0 2 * * *' }, t0 - day, t0 + 3 * 3600_000)
    expect(r.times.map((t) => new Date(t).toISOString())).toEqual(['2026-03-01T02:00:00.000Z', '2026-03-02T02:00:00.000Z'])
    expect(made).toEqual([])
  })

  it('a CronJob with a time zone: its offsets come from Intl', () => {
    const r = scheduledBetween({ schedule: '0 2 * * *', timeZone: 'Asia/Kolkata' }, t0 - day, t0 + 12 * 3600_000)
    expect(r.times.map((t) => new Date(t).toISOString())).toEqual(['2026-03-01T20:30:00.000Z'])
    expect(made.some((a) => (a[1] as { timeZone?: string } | undefined)?.timeZone === 'Asia/Kolkata')).toBe(true)
  })
})
