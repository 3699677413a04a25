/**
 * Invariants 3 and 5 on the reference playbook and estate: run then rollback leaves the estate
 * exactly as seeded (sandbox dump, every object the run touched or created), and the cron ledger
 * shows no scheduled time run twice or on both platforms, forward and back, with the gap
 * journaled by the resume step. Invariant 3 runs on both state backends (local, S3).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { referenceEstate } from '../fixtures/generate.js'
import type { LedgerEntry } from '../sandbox/estate.js'
import { entriesOf, openWorld, rollbackLast, runReference, type World } from './helpers/reference-run.js'

let w: World | undefined
afterEach(async () => {
  await w?.stop()
  w = undefined
})

const HOUR = 3_600_000

/** The dump without the clock: a rollback cannot make time go back. */
function estateOf(dump: unknown): unknown {
  const { now: _now, ...rest } = dump as Record<string, unknown>
  return rest
}

describe('invariant 3: run then rollback restores the seed', () => {
  it.each([
    ['prod', 'dir'],
    ['test', 'dir'],
    ['prod', 's3'],
    ['test', 's3'],
  ] as const)('the %s environment, state %s: every touched object is back, created objects are gone', async (env, state) => {
    w = await openWorld({ state })
    const seed = w.sb.dump()
    const forward = await runReference(w, env)
    expect(forward.status).toBe('done')
    expect(estateOf(w.sb.dump())).not.toEqual(estateOf(seed))
    const back = await rollbackLast(w)
    expect(back).toMatchObject({ status: 'restored', exitCode: 0, source: forward.runId })
    expect(estateOf(w.sb.dump())).toEqual(estateOf(seed))
    // Every journaled item of the forward run was reverted by the rollback.
    const items = (await entriesOf(w, forward.runId)).filter((e) => e.t === 'item').map((e) => (e as { key: string }).key)
    const reverted = (await entriesOf(w, back.runId)).flatMap((e) => (e.t === 'reverted' ? e.keys : []))
    expect(new Set(reverted)).toEqual(new Set(items))
    // The seed starts at 01:55: the environment's own 02:00 ran once, on Kubernetes, and two
    // hours after the hand-back no scheduled time of any job has run twice or on both platforms.
    await w.sb.clock.sleep(2 * HOUR)
    const ledger = (w.sb.dump({ ledger: true }) as { ledger: LedgerEntry[] }).ledger
    expect(duplicates(ledger)).toEqual({ twice: [], both: [] })
    const at0200 = ledger.filter((e) => e.job === `${env}-orders-hourly-report` && e.scheduledAt === '2026-03-02T02:00:00.000Z')
    expect(at0200.map((e) => e.platform)).toEqual(['kubernetes'])
  })
})

/** Keys `job scheduledAt` launched more than once, and times launched on both platforms. */
function duplicates(ledger: LedgerEntry[]): { twice: string[]; both: string[] } {
  const seen = new Map<string, Set<string>>()
  const count = new Map<string, number>()
  for (const e of ledger) {
    const k = `${e.job} ${e.scheduledAt}`
    count.set(k, (count.get(k) ?? 0) + 1)
    seen.set(k, (seen.get(k) ?? new Set()).add(e.platform))
  }
  return {
    twice: [...count].filter(([, n]) => n > 1).map(([k]) => k),
    both: [...seen].filter(([, p]) => p.size > 1).map(([k]) => k),
  }
}

describe('invariant 5: cron exclusivity, forward and back', () => {
  it('hands the 02:00 runs over once, reports the gap, and hands back without a double run', async () => {
    // Three minutes before the hour, so that 02:00 falls between disabling ECS and resuming.
    w = await openWorld({ estate: { ...referenceEstate(), now: '2026-03-02T01:57:00.000Z' } })
    const forward = await runReference(w, 'prod')
    expect(forward.status).toBe('done')
    const entries = await entriesOf(w, forward.runId)
    const resumed = entries.filter((e) => e.t === 'fact' && e.kind === 'k8s.cronjob-resumed').map((e) => (e as { data: Record<string, unknown> }).data)
    expect(resumed.map((d) => d.cronjob).sort()).toEqual(['inventory-sync', 'orders-cleanup', 'orders-hourly-report', 'website-sitemap'])
    const hourly = resumed.find((d) => d.cronjob === 'orders-hourly-report')!
    expect(hourly).toMatchObject({ job: 'prod-orders-hourly-report', gapCount: 1, gap: ['2026-03-02T02:00:00.000Z'], caughtUp: '2026-03-02T02:00:00.000Z' })
    expect(resumed.find((d) => d.cronjob === 'inventory-sync')).toMatchObject({ gapCount: 1, caughtUp: '2026-03-02T02:00:00.000Z' })
    expect(resumed.find((d) => d.cronjob === 'orders-cleanup')).toMatchObject({ gapCount: 1, caughtUp: '2026-03-02T02:00:00.000Z' })
    // 02:15 Berlin time is 01:15 UTC: nothing of the sitemap fell in the gap.
    expect(resumed.find((d) => d.cronjob === 'website-sitemap')).toMatchObject({ gapCount: 0, caughtUp: null })

    const disabledAt = Math.min(...entries.filter((e) => e.t === 'fact' && e.kind === 'ecs.scheduled-task-disabled').map((e) => e.at))
    const resumedAt = Math.min(...entries.filter((e) => e.t === 'fact' && e.kind === 'k8s.cronjob-resumed').map((e) => e.at)) - 60_000

    // Two hours on Kubernetes, then back to ECS, then two hours on ECS.
    await w.sb.clock.sleep(2 * HOUR)
    const handBack = w.sb.clock.now()
    const back = await rollbackLast(w)
    expect(back.status).toBe('restored')
    await w.sb.clock.sleep(2 * HOUR)

    const ledger = (w.sb.dump({ ledger: true }) as { ledger: LedgerEntry[] }).ledger
    expect(duplicates(ledger)).toEqual({ twice: [], both: [] })
    const runsOf = (job: string) => ledger.filter((e) => e.job === job).map((e) => `${e.scheduledAt.slice(11, 16)} ${e.platform}`)
    expect(runsOf('prod-orders-hourly-report')).toEqual(['02:00 kubernetes', '03:00 kubernetes', '04:00 kubernetes', '05:00 ecs', '06:00 ecs'])
    expect(runsOf('prod-inventory-sync')).toEqual(['02:00 kubernetes', '02:30 kubernetes', '03:00 kubernetes', '03:30 kubernetes', '04:00 kubernetes', '04:30 ecs', '05:00 ecs', '05:30 ecs', '06:00 ecs'])
    expect(runsOf('prod-orders-cleanup')).toEqual(['02:00 kubernetes'])
    // At no instant both: ECS is silent from the disable to the hand-back, Kubernetes outside it.
    const prodJobs = ledger.filter((e) => e.job.startsWith('prod-'))
    const at = (e: LedgerEntry) => Date.parse(e.launchedAt)
    expect(prodJobs.filter((e) => e.platform === 'ecs' && at(e) >= disabledAt && at(e) < handBack)).toEqual([])
    expect(prodJobs.filter((e) => e.platform === 'kubernetes' && (at(e) < resumedAt || at(e) >= handBack))).toEqual([])
  })
})
