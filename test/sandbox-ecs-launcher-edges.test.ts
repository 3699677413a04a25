import { describe, expect, it } from 'vitest'
import { referenceEstate } from '../fixtures/generate.js'
import { Core } from '../sandbox/core.js'
import { ecsLauncher } from '../sandbox/ecs/launcher.js'
import type { Estate, Schedule } from '../sandbox/estate.js'

const HOUR = 3_600_000

/** A core over the reference estate with only `schedule` launching (rules disabled, other schedules removed). */
function coreWith(schedule: (base: Schedule) => Schedule): Core {
  const estate: Estate = referenceEstate()
  for (const r of estate.events.rules) r.State = 'DISABLED'
  const base = estate.scheduler.schedules.find((s) => s.Name === 'prod-orders-cleanup')!
  estate.scheduler.schedules = [schedule(structuredClone(base))]
  return new Core(estate, {}, () => [ecsLauncher])
}

const scheduled = (core: Core) => core.estate.ledger.map((e) => e.scheduledAt)

describe('ECS launcher edges (virtual time driven directly)', () => {
  it('anchors a schedule rate() at its StartDate and stops after its EndDate', () => {
    const core = coreWith((s) => ({
      ...s,
      ScheduleExpression: 'rate(40 minutes)',
      StartDate: '2026-03-02T02:10:00.000Z',
      EndDate: '2026-03-02T04:00:00.000Z',
    }))
    core.time.advance(6 * HOUR)
    expect(scheduled(core)).toEqual(['2026-03-02T02:10:00.000Z', '2026-03-02T02:50:00.000Z', '2026-03-02T03:30:00.000Z'])
  })

  it('applies a definition only after LastModificationDate, and an at() schedule fires once', () => {
    const core = coreWith((s) => ({
      ...s,
      ScheduleExpression: 'at(2026-03-02T04:30:00)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      LastModificationDate: '2026-03-02T01:45:00.000Z',
    }))
    core.time.advance(48 * HOUR)
    expect(scheduled(core)).toEqual(['2026-03-02T03:30:00.000Z'])
    const late = coreWith((s) => ({ ...s, ScheduleExpression: 'cron(0 * * * ? *)', LastModificationDate: '2026-03-02T03:00:00.000Z' }))
    late.time.advance(3 * HOUR) // to 04:45; 02:00 and 03:00 predate the definition
    expect(scheduled(late)).toEqual(['2026-03-02T04:00:00.000Z'])
  })

  it('does not launch a flexible run whose schedule was disabled before its launch instant', () => {
    const core = coreWith((s) => ({ ...s, ScheduleExpression: 'cron(0 * * * ? *)', FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 60 } }))
    core.time.advance(HOUR + 15 * 60_000) // to 03:00: the 02:00 run has launched
    const launched = core.estate.ledger.length
    expect(launched).toBeGreaterThan(0)
    const nextLaunch = ecsLauncher.nextEventAfter(core.time.now(), core)!
    core.estate.scheduler.schedules[0]!.State = 'DISABLED'
    core.time.advance(nextLaunch - core.time.now())
    expect(core.estate.ledger).toHaveLength(launched)
    expect(ecsLauncher.nextEventAfter(core.time.now(), core)).toBeNull()
  })

  it('records a launch once even if the controller runs twice at the same instant', () => {
    const core = coreWith((s) => ({ ...s, ScheduleExpression: 'cron(0 * * * ? *)' }))
    core.time.advance(HOUR) // to 02:45, one launch at 02:00
    ecsLauncher.runAt(Date.parse('2026-03-02T02:00:00Z'), core)
    expect(scheduled(core)).toEqual(['2026-03-02T02:00:00.000Z'])
  })
})
