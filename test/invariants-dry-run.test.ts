/**
 * Invariants 1 and 2 on the reference playbook and estate: plan (and dry-run, which is the same
 * engine path) makes no mutating call, and a second run of a finished playbook makes none.
 * Mutating calls are counted from the sandbox's calls log; Kubernetes dryRun=All is not one.
 * Both state backends: the local journal, and team state in the sandbox's S3.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { entriesOf, mutatingCalls, openWorld, pauseBefore, planReference, runReference, type World } from './helpers/reference-run.js'

let w: World | undefined
afterEach(async () => {
  await w?.stop()
  w = undefined
})

describe('invariant 1: plan and dry-run change nothing', () => {
  it.each(['prod', 'test'])('plans every step of the %s environment with zero mutating calls', async (env) => {
    w = await openWorld()
    const seed = w.sb.dump()
    const result = await planReference(w, env)
    expect(result.ok).toBe(true)
    expect(result.steps.map((s) => s.step)).toEqual(['lower-ttls', 'deploy-eks', 'disable-ecs-schedules', 'switch-dns', 'shift-website', 'resume-cronjobs'])
    // The plan sees work in every step, and reads enough to say so.
    expect(result.steps.filter((s) => s.changes.length > 0).length).toBeGreaterThanOrEqual(5)
    expect(w.sb.calls().length).toBeGreaterThan(0)
    expect(mutatingCalls(w)).toEqual([])
    expect(w.sb.dump()).toEqual(seed)
    expect(await w.journal.runs()).toEqual([])
  })

  it('plans a half-finished run with zero mutating calls', async () => {
    w = await openWorld()
    const stopped = await runReference(w, 'prod', { yes: false, prompt: async () => false, edit: pauseBefore('switch-dns') })
    expect(stopped.status).toBe('declined')
    const before = mutatingCalls(w).length
    const after = w.sb.dump()
    const result = await planReference(w, 'prod')
    expect(result.ok).toBe(true)
    expect(mutatingCalls(w).length).toBe(before)
    expect(w.sb.dump()).toEqual(after)
  })
})

describe.each(['dir', 's3'] as const)('invariant 2: a second run changes nothing (state: %s)', (state) => {
  it('skips every step of a finished playbook and makes zero mutating calls', async () => {
    w = await openWorld({ state })
    const first = await runReference(w, 'prod')
    expect(first.status).toBe('done')
    const mutated = mutatingCalls(w).length
    expect(mutated).toBeGreaterThan(0)
    const dump = w.sb.dump()
    const second = await runReference(w, 'prod')
    expect(second.status).toBe('done')
    expect(second.runId).not.toBe(first.runId)
    expect(mutatingCalls(w).length).toBe(mutated)
    const skipped = (await entriesOf(w, second.runId)).filter((e) => e.t === 'skipped').map((e) => (e as { step: string }).step)
    expect(skipped).toEqual(['lower-ttls', 'deploy-eks', 'disable-ecs-schedules', 'switch-dns', 'shift-website', 'resume-cronjobs'])
    expect((await entriesOf(w, second.runId)).filter((e) => e.t === 'item')).toEqual([])
    // Only time moved (the second run waits for nothing, but the controllers keep their clocks).
    expect(stripTime(w.sb.dump())).toEqual(stripTime(dump))
    const segments = Object.keys(w.sb.core.estate.s3!.buckets[0].Objects).filter((k) => k.includes(`/runs/${second.runId}/`))
    expect(segments.length > 0).toBe(state === 's3')
  })
})

function stripTime(dump: unknown): unknown {
  const { now: _now, ...rest } = dump as Record<string, unknown>
  return rest
}
