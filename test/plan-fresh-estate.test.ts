/**
 * The plan of the reference playbook on a fresh estate (the sandbox as seeded) shows what the run
 * will do: the CronJobs the deploy step creates are resumed by the last step (selector or names),
 * with the gap the run computes; the DNS switch waits out the previous TTL (300 s), not the one the
 * first step sets. The plan's gap is compared with the facts the run then journals.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Playbook } from '../runner/engine/types.js'
import type { StepPlan } from '../runner/engine/plan.js'
import { entriesOf, mutatingCalls, openWorld, planReference, REFERENCE, runReference, type World } from './helpers/reference-run.js'

let w: World | undefined
afterEach(async () => {
  await w?.stop()
  w = undefined
})

const CRONJOBS = ['orders-hourly-report', 'inventory-sync', 'website-sitemap', 'orders-cleanup']
const stepOf = (steps: StepPlan[], id: string) => steps.find((s) => s.step === id)!

/** resume-cronjobs by names instead of the selector. */
function byNames(pb: Playbook): Playbook {
  return {
    ...pb,
    steps: pb.steps.map((s) => {
      if (s.id !== 'resume-cronjobs') return s
      const { selector: _s, ...rest } = s.params as Record<string, unknown>
      const params = { ...rest, names: CRONJOBS }
      return { ...s, with: params, params }
    }),
  }
}

describe('plan on a fresh estate', () => {
  it('resumes the CronJobs the deploy step creates, with the gap and caught-up times the run then journals', async () => {
    w = await openWorld()
    const planned = await planReference(w, 'test')
    expect(planned.ok).toBe(true)
    expect(mutatingCalls(w)).toEqual([])
    const resume = stepOf(planned.steps, 'resume-cronjobs')
    expect(resume.changes.map((c) => c.key).sort()).toEqual(CRONJOBS.map((n) => `k8s:batch/v1/CronJob/shop-test/${n}`).sort())
    expect(resume.changes.every((c) => (c.before as { suspend: boolean }).suspend === true && (c.after as { suspend: boolean }).suspend === false)).toBe(true)

    const result = await runReference(w, 'test')
    expect(result.status).toBe('done')
    const resumed = (await entriesOf(w, result.runId)).filter((e) => e.t === 'fact' && e.kind === 'k8s.cronjob-resumed')
    expect(resumed).toHaveLength(4)
    for (const name of CRONJOBS) {
      const fact = resumed.find((e) => e.t === 'fact' && e.data.cronjob === name)!
      const data = (fact as { data: { gapCount: number; caughtUp: string | null } }).data
      const note = resume.notes.find((n) => n.message.includes(`${name}: gap after`))
      expect(note?.message).toContain(`${data.gapCount} scheduled time(s)`)
      expect(note?.message).toContain(data.caughtUp === null ? 'nothing caught up' : `catching up ${data.caughtUp} once`)
    }
    // The reference estate's point: 02:00 of the hourly report falls in the gap and runs once.
    expect(resumed.find((e) => e.t === 'fact' && e.data.cronjob === 'orders-hourly-report')).toMatchObject({ data: { caughtUp: '2026-03-02T02:00:00.000Z' } })
  })

  it('plans resume-cronjobs given by names although only the deploy step creates them', async () => {
    w = await openWorld()
    const planned = await planReference(w, 'test', REFERENCE, byNames)
    const resume = stepOf(planned.steps, 'resume-cronjobs')
    expect(resume.error).toBeUndefined()
    expect(resume.changes).toHaveLength(4)
    expect(mutatingCalls(w)).toEqual([])
  })

  it('says the DNS switch waits out the previous TTL (300 s), measured from the planned TTL lowering', async () => {
    w = await openWorld()
    const planned = await planReference(w, 'test')
    const gate = stepOf(planned.steps, 'switch-dns').notes.map((n) => n.message).find((m) => m.startsWith('switch not before'))
    expect(gate).toMatch(/previous TTL 300 s/)
    expect(gate).toMatch(/switch not before 02:00:00Z, 5 min from now/)
    expect(gate).not.toMatch(/\b60 s\b/)
  })
})
