/**
 * Preflight: before its first write, `run` plans every step it will run (read-only, each step
 * seeing the planned results of the ones before it) and refuses, writing nothing and journaling
 * nothing, when a step cannot be planned. A resumed run preflights the steps it has left.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { StepType } from '../runner/contract.js'
import { registerMemoryWorld } from '../runner/clients/test-worlds.js'
import { run } from '../runner/engine/execute.js'
import { resumableRun } from '../runner/engine/runs.js'
import type { Playbook, ResolvedStep } from '../runner/engine/types.js'
import { MemoryJournal } from '../runner/journal/journal.js'
import { testStepTypes as stepTypes } from './helpers/test-registry.js'
import { deps, playbook, step } from './engine-helpers.js'
import { entriesOf, mutatingCalls, openWorld, runReference, type World } from './helpers/reference-run.js'

let w: World | undefined
afterEach(async () => {
  await w?.stop()
  w = undefined
})

/** A step type whose observe fails the way a wrong name does. */
const unplannable: StepType = {
  ...stepTypes.get('test.memory')!,
  type: 'test.unplannable',
  async observe() {
    throw new Error('no active service ordres in cluster prod. Fix the service name or the cluster')
  },
}
const registry = new Map([...stepTypes, ['test.unplannable', unplannable]])
const bad = (id: string): ResolvedStep => ({ ...step(id, 'mem:unused', {}), type: 'test.unplannable' })

describe('preflight (engine)', () => {
  it('refuses a run whose last step cannot be planned: exit 2, no write, nothing journaled', async () => {
    const world = registerMemoryWorld('pre-refuse', { a: 1, b: 2 })
    const d = deps({ registry })
    const r = await run(playbook([step('one', 'mem:pre-refuse', { a: 10 }), step('two', 'mem:pre-refuse', { b: 20 }), bad('scale-ecs')]), d)
    expect(r).toMatchObject({ status: 'refused', exitCode: 2, resumed: false })
    expect(world).toMatchObject({ state: { a: 1, b: 2 }, writes: 0 })
    expect(await d.journal.runs()).toEqual([])
    const failed = d.events.filter((e) => e.kind === 'step-failed')
    expect(failed).toEqual([expect.objectContaining({ step: 'scale-ecs', phase: 'preflight', error: expect.stringMatching(/ordres.*Fix the service name/) })])
    expect(d.events.at(-1)).toMatchObject({ kind: 'run-end', status: 'refused', exitCode: 2 })
  })

  it('preflights only the steps a run will run (--only, when: false)', async () => {
    registerMemoryWorld('pre-select', { a: 1 })
    const d = deps({ registry, options: { force: false, skipTtlWait: false, yes: true, dryRun: false, only: 'one' } })
    const r = await run(playbook([step('one', 'mem:pre-select', { a: 10 }), bad('later')]), d)
    expect(r.status).toBe('done')
    const d2 = deps({ registry })
    expect((await run(playbook([step('one', 'mem:pre-select', { a: 11 }), { ...bad('off'), when: false }]), d2)).status).toBe('done')
  })

  it('a resumed run preflights what is left: refused, its journal untouched and still resumable; fixed, it resumes', async () => {
    const world = registerMemoryWorld('pre-resume', { a: 1, b: 2 })
    const journal = new MemoryJournal()
    const steps = (third: ResolvedStep): Playbook => playbook([step('one', 'mem:pre-resume', { a: 10 }), { ...step('two', 'mem:pre-resume', { b: 20 }), pause: 'go on?' }, third])
    const first = await run(steps(step('three', 'mem:pre-resume', { c: 3 })), deps({ journal, registry, options: { force: false, skipTtlWait: false, yes: false, dryRun: false } }))
    expect(first.status).toBe('declined')
    const logged = (await journal.read(first.runId)).length
    const writes = world.writes

    const refused = await run(steps(bad('three')), deps({ journal, registry }))
    expect(refused).toMatchObject({ status: 'refused', exitCode: 2, resumed: true, runId: first.runId })
    expect((await journal.read(first.runId)).length).toBe(logged)
    expect(world.writes).toBe(writes)
    expect(await resumableRun(journal, 'demo', null, 'abc', {})).toMatchObject({ runId: first.runId })

    const resumed = await run(steps(step('three', 'mem:pre-resume', { c: 3 })), deps({ journal, registry }))
    expect(resumed).toMatchObject({ status: 'done', resumed: true, runId: first.runId })
    expect(world.state).toEqual({ a: 10, b: 20, c: 3 })
  })
})

describe('preflight (reference playbook on the sandbox)', () => {
  it('a wrong ECS service name in a step after six others: refused before the first write', async () => {
    w = await openWorld()
    const scale: ResolvedStep = {
      id: 'scale-ecs', type: 'ecs.service', when: true, timeoutMs: 60_000, onFailure: 'rollback', line: 1,
      with: { cluster: 'prod', services: [{ name: 'ordres', desiredCount: 0 }] },
      params: stepTypes.get('ecs.service')!.params.parse({ cluster: 'prod', services: [{ name: 'ordres', desiredCount: 0 }] }),
    }
    const r = await runReference(w, 'prod', { edit: (pb) => ({ ...pb, steps: [...pb.steps, scale] }) })
    expect(r).toMatchObject({ status: 'refused', exitCode: 2 })
    expect(mutatingCalls(w)).toEqual([])
    expect(await w.journal.runs()).toEqual([])
    expect(w.events.filter((e) => e.kind === 'step-failed')).toEqual([expect.objectContaining({ step: 'scale-ecs', phase: 'preflight', error: expect.stringMatching(/ordres/) })])
  })

  it('does not refuse a fresh run whose later steps need objects an earlier step creates (names: form)', async () => {
    w = await openWorld()
    const names = ['orders-hourly-report', 'inventory-sync', 'website-sitemap', 'orders-cleanup']
    const r = await runReference(w, 'test', {
      edit: (pb) => ({
        ...pb,
        steps: pb.steps.map((s) => {
          if (s.id !== 'resume-cronjobs') return s
          const { selector: _s, ...rest } = s.params as Record<string, unknown>
          return { ...s, with: { ...rest, names }, params: { ...rest, names } }
        }),
      }),
    })
    expect(r.status).toBe('done')
    expect((await entriesOf(w, r.runId)).filter((e) => e.t === 'fact' && e.kind === 'k8s.cronjob-resumed')).toHaveLength(4)
  })
})
