import { describe, expect, it } from 'vitest'
import { registerMemoryWorld } from '../runner/clients/test-worlds.js'
import { run } from '../runner/engine/execute.js'
import { rollback } from '../runner/engine/rollback.js'
import { generateRollback } from '../runner/engine/generate.js'
import { parsePlaybookText } from '../runner/playbook/index.js'
import { plan } from '../runner/engine/plan.js'
import type { JournalEntry } from '../runner/journal/entries.js'
import { testStepTypes as stepTypes } from './helpers/test-registry.js'
import { deps, playbook, step } from './engine-helpers.js'

const initial = { a: 1, b: 2, c: 3 }
const three = (world: string) =>
  playbook([step('one', world, { a: 10 }), step('two', world, { b: 20, x: 'new' }), step('three', world, { c: null })])

describe('rollback', () => {
  it('restores every item, newest step first, and a second rollback changes nothing', async () => {
    const w = registerMemoryWorld('rb', initial)
    const d = deps()
    const r = await run(three('mem:rb'), d)
    const rb = await rollback(r.runId, d, { force: false })
    expect(rb).toMatchObject({ status: 'restored', exitCode: 0, source: r.runId })
    expect(w.state).toEqual(initial)
    expect(d.events.filter((e) => e.kind === 'rollback-step').map((e) => (e as { step: string }).step)).toEqual(['three', 'two', 'one'])
    const writes = w.writes
    const again = await rollback(r.runId, d, { force: false })
    expect(again.exitCode).toBe(0)
    expect(w.writes).toBe(writes)
  })

  it('stops at drift with the diff, and --force passes it', async () => {
    const w = registerMemoryWorld('drift', initial)
    const d = deps()
    const r = await run(three('mem:drift'), d)
    w.state.b = 99 // someone changed b since the run set it
    const refused = await rollback(r.runId, d, { force: false })
    expect(refused).toMatchObject({ status: 'rollback-incomplete', exitCode: 3 })
    expect(d.events).toContainEqual({ kind: 'rollback-drift', step: 'two', key: 'b', expected: 20, actual: 99, forced: false })
    // Step three (newer) was restored; nothing of step two or one was.
    expect(w.state).toEqual({ a: 10, b: 99, x: 'new', c: 3 })
    const forced = await rollback(r.runId, d, { force: true })
    expect(forced).toMatchObject({ status: 'restored', exitCode: 0 })
    expect(w.state).toEqual(initial)
  })

  it('stops at an irreversible step unless --force', async () => {
    const w = registerMemoryWorld('irr-rb', initial)
    const d = deps()
    const pb = playbook([step('one', 'mem:irr-rb', { a: 10 }), { ...step('two', 'mem:irr-rb', { b: 20 }), type: 'test.memory.irreversible' }])
    const r = await run(pb, d)
    expect((await rollback(r.runId, d, { force: false })).exitCode).toBe(3)
    expect(w.state).toEqual({ ...initial, a: 10, b: 20 })
    expect((await rollback(r.runId, d, { force: true })).exitCode).toBe(0)
    expect(w.state).toEqual({ ...initial, b: 20 })
  })

  it('a rollback that failed midway finishes when rerun', async () => {
    const w = registerMemoryWorld('half', initial)
    const d = deps()
    const r = await run(three('mem:half'), d)
    w.failAt = 'a' // restoring step one fails (after three and two are restored)
    const first = await rollback(r.runId, d, { force: false })
    expect(first.exitCode).toBe(3)
    expect(w.state).toEqual({ a: 10, b: 2, c: 3 })
    w.failAt = undefined
    const second = await rollback(r.runId, d, { force: false })
    expect(second.exitCode).toBe(0)
    expect(w.state).toEqual(initial)
  })

  it('a resumed run reuses the journaled before-state, so rollback restores the original', async () => {
    const w = registerMemoryWorld('resume', initial)
    const d = deps()
    // A run that journaled step one's item and died before writing it.
    const id = '20260302-014500-0001'
    const e = (x: object) => ({ v: 1, at: 0, ...x }) as JournalEntry
    await d.journal.append(id, e({ t: 'begin', runId: id, playbook: 'demo', file: 'demo.yaml', sha256: 'abc', env: null, mode: 'run', options: {}, startedAt: 0 }))
    await d.journal.append(id, e({ t: 'step', step: 'one', type: 'test.memory', with: { world: 'mem:resume', set: { a: 10 } } }))
    await d.journal.append(id, e({ t: 'item', step: 'one', key: 'a', before: 1, after: 10, summary: '' }))
    w.state.a = 5 // the state moved in between (e.g. a partial write)
    const r = await run(three('mem:resume'), d)
    expect(r).toMatchObject({ runId: id, resumed: true, status: 'done' })
    expect(w.state).toEqual({ a: 10, b: 20, x: 'new' })
    expect((await rollback(id, d, { force: false })).exitCode).toBe(0)
    expect(w.state).toEqual(initial)
  })

  it('facts journaled in a run are visible to later steps, also after a resume', async () => {
    registerMemoryWorld('facts', initial)
    const seen: unknown[] = []
    const inner = stepTypes.get('test.memory')!
    const registry = new Map([
      ...stepTypes,
      ['test.fact', { ...inner, type: 'test.fact', apply: async (ctx, p, ch) => { await ctx.fact('test.seen', { n: 1 }); await ctx.wait(60_000, 'TTL gate'); return inner.apply(ctx, p, ch) } }],
      ['test.read', { ...inner, type: 'test.read', observe: async (ctx, p, k) => { seen.push(...ctx.facts('test.seen')); return inner.observe(ctx, p, k) } }],
    ])
    const d = deps({ registry })
    const pb = playbook([{ ...step('one', 'mem:facts', { a: 10 }), type: 'test.fact' }, { ...step('two', 'mem:facts', { b: 20 }), type: 'test.read' }])
    const r = await run(pb, d)
    expect(seen).toEqual([{ kind: 'test.seen', step: 'one', data: { n: 1 } }])
    expect(d.events).toContainEqual({ kind: 'wait', step: 'one', ms: 60_000, reason: 'TTL gate', virtual: true })
    const entries = await d.journal.read(r.runId)
    expect(entries.filter((x) => x.t === 'fact' || x.t === 'wait').map((x) => x.t)).toEqual(['fact', 'wait'])
  })
})

describe('generated rollback playbook', () => {
  const source = `version: 1
name: demo
vars: { world: "mem:gen" }
steps:
  - id: one
    type: test.memory
    with: { world: "\${{ vars.world }}", set: { a: 10 } }
  - id: two
    type: test.memory
    with: { world: "\${{ vars.world }}", set: { b: 20, x: new } }
  - id: three
    type: test.memory
    with: { world: "\${{ vars.world }}", set: { c: null } }
`
  it('validates, plans and restores the initial state when run', async () => {
    const w = registerMemoryWorld('gen', initial)
    const forward = await parsePlaybookText(source, 'demo.yaml', { registry: stepTypes })
    if (!forward.ok) throw new Error(JSON.stringify(forward.problems))
    const d = deps()
    await run(forward.playbook, d)
    expect(w.state).toEqual({ a: 10, b: 20, x: 'new' })

    const yaml = generateRollback(forward.playbook, stepTypes, source)
    expect(yaml).toContain('rollbackOf:')
    expect(yaml).toContain('restoreFrom: three')
    expect(yaml).toContain('${{ vars.world }}')
    const back = await parsePlaybookText(yaml, 'rollback.yaml', { registry: stepTypes })
    if (!back.ok) throw new Error(JSON.stringify(back.problems))
    expect(back.playbook.steps.map((s) => s.id)).toEqual(['undo-three', 'undo-two', 'undo-one'])

    const planned = await plan(back.playbook, { ...d, source: { file: 'rollback.yaml', sha256: 'r' }, options: { ...d.options, dryRun: true } })
    expect(planned.ok).toBe(true)
    expect(planned.steps.map((s) => s.changes.map((c) => [c.key, c.after]))).toEqual([[['c', 3]], [['b', 2], ['x', null]], [['a', 1]]])
    expect(w.state).toEqual({ a: 10, b: 20, x: 'new' })

    const r = await run(back.playbook, { ...d, source: { file: 'rollback.yaml', sha256: 'r' } })
    expect(r).toMatchObject({ status: 'done', exitCode: 0 })
    expect(w.state).toEqual(initial)
  })
})
