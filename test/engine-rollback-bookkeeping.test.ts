/**
 * Rollback bookkeeping: a run is rolled back only when every step it applied is, counted from the
 * journals (the run's items against the `reverted` entries of every rollback that targets it).
 */
import { describe, expect, it } from 'vitest'
import { registerMemoryWorld } from '../runner/clients/test-worlds.js'
import { run } from '../runner/engine/execute.js'
import { generateRollback } from '../runner/engine/generate.js'
import { history } from '../runner/engine/history.js'
import { rollback } from '../runner/engine/rollback.js'
import type { EngineEvent } from '../runner/events.js'
import { parsePlaybookText } from '../runner/playbook/index.js'
import { testStepTypes as stepTypes } from './helpers/test-registry.js'
import { deps, playbook, step } from './engine-helpers.js'

const initial = { a: 1, b: 2, c: 3 }
const source = (world: string) => `version: 1
name: demo
steps:
  - { id: one, type: test.memory, with: { world: "${world}", set: { a: 10 } } }
  - { id: two, type: test.memory, with: { world: "${world}", set: { b: 20, x: new } } }
  - { id: three, type: test.memory, with: { world: "${world}", set: { c: null } } }
`

async function parsed(text: string, file: string) {
  const r = await parsePlaybookText(text, file, { registry: stepTypes })
  if (!r.ok) throw new Error(JSON.stringify(r.problems))
  return r.playbook
}

const ofKind = <K extends EngineEvent['kind']>(events: EngineEvent[], kind: K) => events.filter((e): e is Extract<EngineEvent, { kind: K }> => e.kind === kind)

describe('rollback bookkeeping', () => {
  it('a generated rollback run with --only one step rolls back that step only; --last then undoes the rest of that run', async () => {
    const other = registerMemoryWorld('bk-other', { z: 1 })
    const w = registerMemoryWorld('bk-part', initial)
    const d = deps()
    const older = await run(playbook([step('z', 'mem:bk-other', { z: 2 })], { name: 'other' }), d)
    const forward = await parsed(source('mem:bk-part'), 'demo.yaml')
    const fwd = await run(forward, d)
    const back = await parsed(generateRollback(forward, stepTypes), 'rollback.yaml')
    const partial = await run(back, { ...d, source: { file: 'rollback.yaml', sha256: 'r' }, options: { ...d.options, only: 'undo-two' } })
    expect(partial.status).toBe('done')
    expect(w.state).toEqual({ a: 10, b: 2 })

    const h = await history(d.journal)
    const summary = h.find((r) => r.runId === fwd.runId)!
    expect(summary.rolledBack).toEqual({ steps: 1, of: 3, by: [partial.runId] })
    expect(summary.status).toContain('partly rolled back: 1 of 3 steps')
    expect(h.find((r) => r.runId === older.runId)!.rolledBack).toBeUndefined()

    d.events.length = 0
    const rest = await rollback('last', d, { force: false })
    expect(rest).toMatchObject({ source: fwd.runId, status: 'restored', exitCode: 0 })
    const picked = ofKind(d.events, 'rollback-picked')
    expect(picked).toHaveLength(1)
    expect(picked[0]).toMatchObject({ runId: fwd.runId, playbook: 'demo' })
    expect(picked[0].reason).toMatch(/partly rolled back \(1 of 3 steps/)
    // Only what is left is undone: step two is not restored a second time.
    expect(ofKind(d.events, 'rollback-step').map((e) => e.step)).toEqual(['three', 'one'])
    expect(w.state).toEqual(initial)
    expect(other.state).toEqual({ z: 2 })

    const after = (await history(d.journal)).find((r) => r.runId === fwd.runId)!
    expect(after.rolledBack).toEqual({ steps: 3, of: 3, by: [partial.runId, rest.runId] })
    expect(after.status).toBe(`done, rolled back by ${partial.runId}, ${rest.runId}`)
    // The next --last is the older run of the other playbook, and it says why the newer ones were passed over.
    d.events.length = 0
    expect((await rollback('last', d, { force: false })).source).toBe(older.runId)
    expect(other.state).toEqual({ z: 1 })
    const why = ofKind(d.events, 'rollback-picked')[0].passedOver
    expect(why.find((p) => p.runId === fwd.runId)?.why).toBe(`rolled back by ${partial.runId}, ${rest.runId}`)
    expect(why.find((p) => p.runId === rest.runId)?.why).toBe(`a rollback of ${fwd.runId}`)
  })

  it('rolling back a run that is already rolled back says by which run and exits 0, even if the items moved since', async () => {
    const w = registerMemoryWorld('bk-again', initial)
    const d = deps()
    const r = await run(playbook([step('one', 'mem:bk-again', { a: 10 }), step('two', 'mem:bk-again', { b: 20 })]), d)
    const rb = await rollback(r.runId, d, { force: false })
    expect(rb.exitCode).toBe(0)
    w.state.a = 10 // changed again since (by hand or by a later run)
    const writes = w.writes
    const runs = (await d.journal.runs()).length
    d.events.length = 0
    const again = await rollback(r.runId, d, { force: false })
    expect(again).toMatchObject({ source: r.runId, status: 'already-rolled-back', exitCode: 0, runId: null })
    expect(d.events).toEqual([{ kind: 'rollback-already-done', source: r.runId, by: [rb.runId] }])
    expect(w.writes).toBe(writes)
    expect((await d.journal.runs()).length).toBe(runs)
  })

  it('a run whose own failure rolled it back cleanly counts as rolled back', async () => {
    registerMemoryWorld('bk-self', initial)
    const d = deps()
    const r = await run(playbook([step('one', 'mem:bk-self', { a: 10 }), step('two', 'mem:bk-self', { b: 20 }, { with: { failAt: 'b' } })]), d)
    expect(r.status).toBe('rolled-back')
    const again = await rollback(r.runId, d, { force: false })
    expect(again).toMatchObject({ status: 'already-rolled-back', exitCode: 0 })
    expect((await history(d.journal))[0]).toMatchObject({ runId: r.runId, status: 'rolled-back', rolledBack: { steps: 2, of: 2, by: [] } })
  })

  it('--last names the run it picked and the newer runs it passed over, with the reason for each', async () => {
    registerMemoryWorld('bk-pick-a', initial)
    registerMemoryWorld('bk-pick-b', { z: 1 })
    const d = deps()
    const demo = playbook([step('one', 'mem:bk-pick-a', { a: 10 })])
    const a = await run(demo, d)
    const b = await run(playbook([step('z', 'mem:bk-pick-b', { z: 2 })], { name: 'other' }), d)
    const rb = await rollback(b.runId, d, { force: false })
    const noop = await run(demo, d)
    d.events.length = 0
    const r = await rollback('last', d, { force: false })
    expect(r.source).toBe(a.runId)
    const [picked] = ofKind(d.events, 'rollback-picked')
    expect(picked).toEqual({
      kind: 'rollback-picked', runId: a.runId, playbook: 'demo', env: null,
      reason: 'the latest run that changed something and is not rolled back',
      passedOver: [
        { runId: noop.runId, playbook: 'demo', why: 'changed nothing' },
        { runId: rb.runId!, playbook: 'other', why: `a rollback of ${b.runId}` },
        { runId: b.runId, playbook: 'other', why: `rolled back by ${rb.runId}` },
      ],
    })
    expect(d.events.findIndex((e) => e.kind === 'rollback-picked')).toBeLessThan(d.events.findIndex((e) => e.kind === 'run-start'))
  })
})
