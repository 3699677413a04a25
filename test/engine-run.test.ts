import { describe, expect, it } from 'vitest'
import { registerMemoryWorld } from '../runner/clients/test-worlds.js'
import { MemoryJournal } from '../runner/journal/journal.js'
import type { Journal } from '../runner/journal/journal.js'
import type { JournalEntry } from '../runner/journal/entries.js'
import { run } from '../runner/engine/execute.js'
import { rollback } from '../runner/engine/rollback.js'
import { deps, playbook, step, watchedWorlds } from './engine-helpers.js'

const initial = { a: 1, b: 2, c: 3 }

function threeSteps(world: string) {
  return playbook([
    step('one', world, { a: 10 }),
    step('two', world, { b: 20, x: 'new' }),
    step('three', world, { c: null }),
  ])
}

describe('run', () => {
  it('applies every step and a second run makes no apply call', async () => {
    const w = registerMemoryWorld('idem', initial)
    const d = deps()
    const r1 = await run(threeSteps('mem:idem'), d)
    expect(r1).toMatchObject({ status: 'done', exitCode: 0 })
    expect(w.state).toEqual({ a: 10, b: 20, x: 'new' })
    const writes = w.writes
    expect(writes).toBe(4)
    const r2 = await run(threeSteps('mem:idem'), d)
    expect(r2.status).toBe('done')
    expect(r2.runId).not.toBe(r1.runId)
    expect(w.writes).toBe(writes)
    const second = await d.journal.read(r2.runId)
    expect(second.filter((e) => e.t === 'item' || e.t === 'applied')).toEqual([])
    expect(second.filter((e) => e.t === 'skipped').map((e) => (e as { reason: string }).reason)).toEqual(['nothing to change', 'nothing to change', 'nothing to change'])
  })

  it('journals every before-state durably before apply is called', async () => {
    const order: string[] = []
    const inner = new MemoryJournal()
    const journal: Journal = {
      append: async (id, e) => {
        await inner.append(id, e)
        order.push(e.t === 'item' ? `item:${e.key}` : e.t)
      },
      read: (id) => inner.read(id),
      runs: () => inner.runs(),
    }
    registerMemoryWorld('order', initial)
    // Record world writes in the same order log, through a wrapping world factory.
    const d = deps({
      journal,
      clients: { testWorlds: watchedWorlds((k) => order.push(`write:${k}`)) },
    })
    await run(playbook([step('two', 'mem:order', { b: 20, x: 'new' })]), d)
    expect(order).toEqual(['begin', 'step', 'item:b', 'item:x', 'write:b', 'applied', 'write:x', 'applied', 'done', 'end'])
  })

  it('a failing step with onFailure rollback restores its own and earlier steps (exit 1)', async () => {
    const w = registerMemoryWorld('fail', initial)
    const pb = playbook([
      step('one', 'mem:fail', { a: 10 }),
      step('two', 'mem:fail', { b: 20, x: 'new', y: 'boom' }, { with: { failAt: 'x' } }),
      step('three', 'mem:fail', { c: null }),
    ])
    const d = deps()
    const r = await run(pb, d)
    expect(r).toMatchObject({ status: 'rolled-back', exitCode: 1 })
    expect(w.state).toEqual(initial)
    expect(d.events.some((e) => e.kind === 'step-failed' && e.step === 'two')).toBe(true)
    expect(d.events.filter((e) => e.kind === 'rollback-step').map((e) => (e as { step: string }).step)).toEqual(['two', 'one'])
  })

  it('onFailure stop leaves earlier steps applied (exit 1)', async () => {
    const w = registerMemoryWorld('stop', initial)
    const pb = playbook([step('one', 'mem:stop', { a: 10 }), step('two', 'mem:stop', { b: 20 }, { with: { failAt: 'b' }, onFailure: 'stop' })])
    const r = await run(pb, deps())
    expect(r).toMatchObject({ status: 'failed', exitCode: 1 })
    expect(w.state).toEqual({ ...initial, a: 10 })
  })

  it('a revert that fails gives exit 3', async () => {
    const w = registerMemoryWorld('revfail', initial)
    const pb = playbook([step('one', 'mem:revfail', { a: 10 }), step('two', 'mem:revfail', { b: 20 }, { with: { failAt: 'b' } })])
    const d = deps()
    // Someone changes `a` behind the run's back before the failure is rolled back.
    const j = d.journal as MemoryJournal
    const append = j.append.bind(j)
    j.append = async (id, e: JournalEntry) => {
      if (e.t === 'failed') w.state.a = 99
      return append(id, e)
    }
    const r = await run(pb, d)
    expect(r).toMatchObject({ status: 'rollback-incomplete', exitCode: 3 })
    expect(d.events.some((e) => e.kind === 'rollback-drift' && e.key === 'a')).toBe(true)
  })

  it('skips steps whose when is false, and honours --only and --from', async () => {
    const w = registerMemoryWorld('sel', initial)
    const pb = playbook([step('one', 'mem:sel', { a: 10 }, { when: false }), step('two', 'mem:sel', { b: 20 }), step('three', 'mem:sel', { c: 30 })])
    await run(pb, deps({ options: { force: false, skipTtlWait: false, yes: true, dryRun: false, only: 'two' } }))
    expect(w.state).toEqual({ a: 1, b: 20, c: 3 })
    await run(pb, deps({ options: { force: false, skipTtlWait: false, yes: true, dryRun: false, from: 'three' } }))
    expect(w.state).toEqual({ a: 1, b: 20, c: 30 })
    await expect(run(pb, deps({ options: { force: false, skipTtlWait: false, yes: true, dryRun: false, from: 'nope' } }))).rejects.toThrow(/--from nope/)
  })

  it('a refused pause stops before the step, and a rerun resumes the same run', async () => {
    const w = registerMemoryWorld('pause', initial)
    const pb = playbook([step('one', 'mem:pause', { a: 10 }), step('two', 'mem:pause', { b: 20 }, { pause: 'Switch now?' })])
    const d = deps({ options: { force: false, skipTtlWait: false, yes: false, dryRun: false } })
    const r1 = await run(pb, d)
    expect(r1).toMatchObject({ status: 'declined', exitCode: 1 })
    expect(w.state).toEqual({ ...initial, a: 10 })
    const r2 = await run(pb, { ...d, prompt: async () => true })
    expect(r2).toMatchObject({ status: 'done', resumed: true, runId: r1.runId })
    expect(w.state).toEqual({ ...initial, a: 10, b: 20 })
    const rb = await rollback(r1.runId, { ...d }, { force: false })
    expect(rb.exitCode).toBe(0)
    expect(w.state).toEqual(initial)
  })
})

describe('resume identity', () => {
  it('an interrupted run is not resumed by a rerun with other vars', async () => {
    registerMemoryWorld('ident', initial)
    const pb = playbook([step('one', 'mem:ident', { a: 10 }), step('two', 'mem:ident', { b: 20 }, { pause: 'go?' })], { vars: { v: 1 } })
    const d = deps({ options: { force: false, skipTtlWait: false, yes: false, dryRun: false } })
    const first = await run(pb, d)
    expect(first.status).toBe('declined')
    const otherVars = await run({ ...pb, vars: { v: 2 } }, { ...d, prompt: async () => true })
    expect(otherVars.resumed).toBe(false)
    expect(d.events).toContainEqual(expect.objectContaining({ kind: 'notice', message: expect.stringContaining('file or its vars changed') }))
  })
})

describe('timeouts', () => {
  it('a step that outlives its timeout fails in phase timeout and is rolled back', async () => {
    const { testStepTypes: stepTypes } = await import('./helpers/test-registry.js')
    const w = registerMemoryWorld('slow', initial)
    const inner = stepTypes.get('test.memory')!
    const slow = {
      ...inner,
      type: 'test.slow',
      async apply(ctx: Parameters<typeof inner.apply>[0], p: unknown, ch: Parameters<typeof inner.apply>[2]) {
        await inner.apply(ctx, p, ch.slice(0, 1))
        await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)))
      },
    }
    const d = deps({ registry: new Map([...stepTypes, ['test.slow', slow]]) })
    const pb = playbook([step('one', 'mem:slow', { a: 10 }), { ...step('two', 'mem:slow', { b: 20, x: 'y' }), type: 'test.slow', timeoutMs: 20 }])
    const r = await run(pb, d)
    expect(r).toMatchObject({ status: 'rolled-back', exitCode: 1 })
    expect(d.events).toContainEqual(expect.objectContaining({ kind: 'step-failed', step: 'two', phase: 'timeout' }))
    expect(w.state).toEqual(initial)
  })
})

describe('interruption', () => {
  it('stops the current step, rolls nothing back, and a rerun resumes the run', async () => {
    const { testStepTypes: stepTypes } = await import('./helpers/test-registry.js')
    const w = registerMemoryWorld('intr', initial)
    const inner = stepTypes.get('test.memory')!
    const interrupt = new AbortController()
    let hang = true
    const slow = {
      ...inner,
      type: 'test.slow',
      async apply(ctx: Parameters<typeof inner.apply>[0], p: unknown, ch: Parameters<typeof inner.apply>[2]) {
        await inner.apply(ctx, p, ch.slice(0, 1))
        if (hang) {
          interrupt.abort() // the user presses Ctrl-C while the step waits
          await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)))
        }
        await inner.apply(ctx, p, ch.slice(1))
      },
    }
    const d = deps({ registry: new Map([...stepTypes, ['test.slow', slow]]) })
    const pb = playbook([step('one', 'mem:intr', { a: 10 }), { ...step('two', 'mem:intr', { b: 20, x: 'y' }), type: 'test.slow' }, step('three', 'mem:intr', { c: 30 })])
    const r = await run(pb, { ...d, interrupt: interrupt.signal })
    expect(r).toMatchObject({ status: 'interrupted', exitCode: 130 })
    expect(d.events).toContainEqual(expect.objectContaining({ kind: 'step-failed', step: 'two', phase: 'interrupted' }))
    expect(w.state).toEqual({ a: 10, b: 20, c: 3 })
    hang = false
    const again = await run(pb, d)
    expect(again).toMatchObject({ status: 'done', resumed: true, runId: r.runId })
    expect(w.state).toEqual({ a: 10, b: 20, c: 30, x: 'y' })
  })
})
