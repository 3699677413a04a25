import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestWorlds, registerMemoryWorld } from '../runner/clients/test-worlds.js'
import { applyContext, type ContextBase } from '../runner/engine/context.js'
import { ClientPool } from '../runner/engine/clients.js'
import { run } from '../runner/engine/execute.js'
import { Recorder } from '../runner/engine/recorder.js'
import { FileJournal } from '../runner/journal/file.js'
import { MemoryJournal } from '../runner/journal/journal.js'
import type { JournalEntry } from '../runner/journal/entries.js'
import { deps, playbook, step, virtualClock, watchedWorlds } from './engine-helpers.js'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})
const entry = (step: string): JournalEntry => ({ v: 1, at: 1, t: 'skipped', step, reason: 'x' })
const stepsOf = (es: JournalEntry[]) => es.map((e) => (e as { step: string }).step)

describe('FileJournal.appendMany', () => {
  it('writes a batch as whole lines in order, after a torn line, and nothing for an empty batch', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'journal-batch-'))
    dirs.push(dir)
    const id = '20260302-014500-0001'
    await new FileJournal(dir).appendMany(id, [])
    expect(await new FileJournal(dir).runs()).toEqual([])
    await new FileJournal(dir).append(id, entry('a'))
    await appendFile(join(dir, 'runs', `${id}.jsonl`), '{"v":1,"at":2,"t":"ite')
    const j = new FileJournal(dir)
    await j.appendMany(id, [entry('b'), entry('c'), entry('d')])
    await j.append(id, entry('e'))
    expect(stepsOf(await new FileJournal(dir).read(id))).toEqual(['a', 'b', 'c', 'd', 'e'])
    const lines = (await readFile(join(dir, 'runs', `${id}.jsonl`), 'utf8')).split('\n')
    // The torn line stays on its own; the batch follows as consecutive whole lines.
    expect(lines.slice(-5)).toEqual([JSON.stringify(entry('b')), JSON.stringify(entry('c')), JSON.stringify(entry('d')), JSON.stringify(entry('e')), ''])
  })
})

describe('engine journal writes', () => {
  it("journals a step's before-states in one durable write, all of them before apply writes anything", async () => {
    registerMemoryWorld('batch', { a: 1, b: 2, c: 3 })
    const journal = new MemoryJournal()
    const logAtWrite: number[] = []
    const d = deps({
      journal,
      clients: { testWorlds: watchedWorlds(() => logAtWrite.push(journal.log.length)) },
    })
    const r = await run(playbook([step('three', 'mem:batch', { a: 10, b: 20, c: 30 })]), d)
    expect(r.status).toBe('done')
    const kinds = journal.log.map((l) => l.entry.t)
    expect(kinds).toEqual(['begin', 'step', 'item', 'item', 'item', 'applied', 'applied', 'applied', 'done', 'end'])
    // Every item entry was in the journal when the first world write happened.
    expect(logAtWrite).toHaveLength(3)
    expect(logAtWrite[0]).toBeGreaterThanOrEqual(kinds.lastIndexOf('item') + 1)
    // Budget: begin, step, one write for the 3 items, 3 applied, done, end.
    expect(journal.writes).toBe(8)
  })

  it('journals the intermediate states of a stage in one durable write', async () => {
    const journal = new MemoryJournal()
    const rec = new Recorder(journal, '20260302-014500-0001', virtualClock())
    const base: ContextBase = {
      pool: new ClientPool({ testWorlds: (o) => createTestWorlds(o) }, false),
      clock: virtualClock(),
      options: { force: false, skipTtlWait: false, yes: true },
      facts: [],
      emit: () => {},
      approve: async () => true,
    }
    const actx = applyContext(base, rec, 'shift', new AbortController().signal, async () => {})
    await actx.intermediate([{ key: 'x', state: { w: 10 } }, { key: 'y', state: { w: 90 } }, { key: 'z', state: null }])
    expect(journal.writes).toBe(1)
    expect(journal.log.map((l) => [l.entry.t, (l.entry as { key: string }).key])).toEqual([['stage', 'x'], ['stage', 'y'], ['stage', 'z']])
  })
})
