/**
 * A rollback that stops says what it left: every step and item still applied, with the command
 * that continues; `--force` passes an item that vanished since the run (deleted by hand).
 */
import { describe, expect, it } from 'vitest'
import { registerMemoryWorld } from '../runner/clients/test-worlds.js'
import { run } from '../runner/engine/execute.js'
import { history } from '../runner/engine/history.js'
import { rollback } from '../runner/engine/rollback.js'
import type { EngineEvent } from '../runner/events.js'
import { deps, playbook, step } from './engine-helpers.js'

const initial = { a: 1, b: 2, c: 3 }
const three = (world: string) =>
  playbook([step('one', world, { a: 10 }), step('two', world, { b: 20, x: 'new' }), step('three', world, { c: null })])
const ofKind = <K extends EngineEvent['kind']>(events: EngineEvent[], kind: K) => events.filter((e): e is Extract<EngineEvent, { kind: K }> => e.kind === kind)

describe('a rollback that stops', () => {
  it('an item deleted by hand: stops, lists what is left and the command; --force skips it with a warning and finishes', async () => {
    const w = registerMemoryWorld('left-gone', initial)
    const d = deps()
    const r = await run(three('mem:left-gone'), d)
    delete w.state.a // step one's item vanished since the run set it
    const stopped = await rollback(r.runId, d, { force: false })
    expect(stopped).toMatchObject({ status: 'rollback-incomplete', exitCode: 3 })
    expect(w.state).toEqual({ b: 2, c: 3 })
    expect(ofKind(d.events, 'rollback-vanished')).toEqual([{ kind: 'rollback-vanished', step: 'one', key: 'a', before: 1, action: 'refused' }])
    expect(ofKind(d.events, 'rollback-left')).toEqual([
      { kind: 'rollback-left', source: r.runId, steps: [{ step: 'one', keys: ['a'] }], jobs: [], command: `playbook rollback ${r.runId} --force` },
    ])
    expect((await history(d.journal)).find((h) => h.runId === r.runId)!.rolledBack).toEqual({ steps: 2, of: 3, by: [stopped.runId] })

    d.events.length = 0
    const writes = w.writes
    const forced = await rollback(r.runId, d, { force: true })
    expect(forced).toMatchObject({ status: 'restored', exitCode: 0 })
    expect(ofKind(d.events, 'rollback-vanished')).toEqual([{ kind: 'rollback-vanished', step: 'one', key: 'a', before: 1, action: 'skipped' }])
    expect(ofKind(d.events, 'rollback-left')).toEqual([])
    expect(w.state).toEqual({ b: 2, c: 3 })
    expect(w.writes).toBe(writes)
    // Only step one was left, and it is now passed: the run counts as rolled back.
    expect(ofKind(d.events, 'rollback-step').map((e) => e.step)).toEqual(['one'])
    const entries = await d.journal.read(forced.runId!)
    expect(entries.filter((e) => e.t === 'reverted')).toMatchObject([{ step: 'one', source: r.runId, keys: ['a'], passed: ['a'] }])
    expect((await history(d.journal)).find((h) => h.runId === r.runId)!.rolledBack).toEqual({ steps: 3, of: 3, by: [stopped.runId, forced.runId] })
    await expect(rollback('last', d, { force: false })).rejects.toThrow(/no run to roll back/)
  })

  it('a restore that fails midway lists the items of the step still applied, then the older steps', async () => {
    const w = registerMemoryWorld('left-fail', initial)
    const d = deps()
    const r = await run(three('mem:left-fail'), d)
    w.failAt = 'x' // step two restores b, then fails at x
    const stopped = await rollback(r.runId, d, { force: false })
    expect(stopped.exitCode).toBe(3)
    expect(w.state).toEqual({ a: 10, b: 2, x: 'new', c: 3 })
    expect(ofKind(d.events, 'rollback-left')).toEqual([
      { kind: 'rollback-left', source: r.runId, steps: [{ step: 'two', keys: ['x'] }, { step: 'one', keys: ['a'] }], jobs: [], command: `playbook rollback ${r.runId}` },
    ])
    w.failAt = undefined
    d.events.length = 0
    const rest = await rollback(r.runId, d, { force: false })
    expect(rest.exitCode).toBe(0)
    expect(ofKind(d.events, 'rollback-step')).toEqual([{ kind: 'rollback-step', step: 'two', keys: ['x'] }, { kind: 'rollback-step', step: 'one', keys: ['a'] }])
    expect(w.state).toEqual(initial)
  })

  it('a run whose own rollback stops says what it left, with the command that continues', async () => {
    const w = registerMemoryWorld('left-auto', initial)
    const d = deps()
    w.failAt = undefined
    const pb = playbook([step('one', 'mem:left-auto', { a: 10 }), step('two', 'mem:left-auto', { b: 20 }), step('three', 'mem:left-auto', { c: 30 }, { with: { failAt: 'c' } })])
    // Step two's item is changed by hand while step three runs; the automatic rollback refuses it.
    const inner = d.registry.get('test.memory')!
    const registry = new Map(d.registry)
    registry.set('test.memory', { ...inner, apply: async (ctx, p, ch) => { if (ctx.stepId === 'three') w.state.b = 99; return inner.apply(ctx, p, ch) } })
    const r = await run(pb, { ...d, registry })
    expect(r).toMatchObject({ status: 'rollback-incomplete', exitCode: 3 })
    expect(ofKind(d.events, 'rollback-left')).toEqual([
      { kind: 'rollback-left', source: r.runId, steps: [{ step: 'two', keys: ['b'] }, { step: 'one', keys: ['a'] }], jobs: [], command: `playbook rollback ${r.runId} --force` },
    ])
  })
})
