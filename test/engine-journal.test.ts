import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FileJournal } from '../runner/journal/file.js'
import { isRunId, newRunId } from '../runner/journal/run-id.js'
import type { JournalEntry } from '../runner/journal/entries.js'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})
const tmp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'engine-journal-'))
  dirs.push(d)
  return d
}
const entry = (step: string): JournalEntry => ({ v: 1, at: 1, t: 'skipped', step, reason: 'x' })

describe('run ids', () => {
  it('are YYYYMMDD-HHMMSS-xxxx and increase within one second and when the clock goes back', () => {
    const t = Date.UTC(2026, 2, 2, 1, 45, 7)
    const a = newRunId(t, [])
    expect(a).toMatch(/^20260302-014507-[0-9a-f]{4}$/)
    const b = newRunId(t, [a])
    const c = newRunId(t - 60_000, [a, b])
    expect(isRunId(b) && isRunId(c)).toBe(true)
    expect([c, a, b].sort()).toEqual([a, b, c])
  })
})

describe('FileJournal', () => {
  it('appends JSON lines under runs/<id>.jsonl and lists runs oldest first', async () => {
    const dir = await tmp()
    const j = new FileJournal(dir)
    await j.append('20260302-014500-0001', entry('a'))
    await j.append('20260302-014500-0001', entry('b'))
    await j.append('20260301-000000-0001', entry('c'))
    expect(await j.runs()).toEqual(['20260301-000000-0001', '20260302-014500-0001'])
    expect((await j.read('20260302-014500-0001')).map((e) => (e as { step: string }).step)).toEqual(['a', 'b'])
    const text = await readFile(join(dir, 'runs', '20260302-014500-0001.jsonl'), 'utf8')
    expect(text.trim().split('\n')).toHaveLength(2)
    expect(await j.read('20990101-000000-0000')).toEqual([])
  })

  it('drops a torn last line, and a later append does not glue onto it', async () => {
    const dir = await tmp()
    const id = '20260302-014500-0001'
    await new FileJournal(dir).append(id, entry('a'))
    await appendFile(join(dir, 'runs', `${id}.jsonl`), '{"v":1,"at":2,"t":"ite')
    expect((await new FileJournal(dir).read(id)).length).toBe(1)
    // A new process (new journal object) resumes the run.
    await new FileJournal(dir).append(id, entry('b'))
    expect((await new FileJournal(dir).read(id)).map((e) => (e as { step: string }).step)).toEqual(['a', 'b'])
  })

  it('refuses ids that are not run ids (no path tricks)', async () => {
    const j = new FileJournal(await tmp())
    await expect(j.append('../x', entry('a'))).rejects.toThrow(/not a run id/)
  })
})
