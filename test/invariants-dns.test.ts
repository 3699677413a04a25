/**
 * Invariants 6 and 7 on the reference playbook and estate. DNS: every step sends one change
 * batch per hosted zone (the weighted shift one per stage, three stages), each followed by an
 * INSYNC wait. TTL safety: a switch never happens before the previous TTL has run out since the
 * lower TTL was INSYNC, measured from the journal, even when the run stops after lowering the
 * TTLs and a new invocation resumes it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Playbook } from '../runner/engine/types.js'
import type { JournalEntry } from '../runner/journal/entries.js'
import { entriesOf, openWorld, pauseBefore, rollbackLast, runReference, type World } from './helpers/reference-run.js'

let w: World | undefined
afterEach(async () => {
  await w?.stop()
  w = undefined
})

function batchesByStep(world: World): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const b of world.batches) (out[b.step] ??= []).push(b.zoneId)
  return out
}

describe('invariant 6: one change batch per zone per DNS step', () => {
  it('forward: one batch per step, three for the weighted shift (one per stage), each waited INSYNC', async () => {
    w = await openWorld()
    const r = await runReference(w, 'prod')
    expect(r.status).toBe('done')
    expect(batchesByStep(w)).toEqual({
      'lower-ttls': ['Z0EXAMPLE0001'],
      'switch-dns': ['Z0EXAMPLE0001'],
      'shift-website': ['Z0EXAMPLE0001', 'Z0EXAMPLE0001', 'Z0EXAMPLE0001'],
    })
    expect(w.batches.map((b) => b.changes)).toEqual([3, 2, 2, 2, 2])
    // The sandbox counted the same number of ChangeResourceRecordSets calls.
    expect(w.sb.calls().filter((c) => c.operation === 'ChangeResourceRecordSets' && !c.fault).length).toBe(5)
    // Every batch is followed by an INSYNC wait in the same step, before the step ends.
    const entries = await entriesOf(w, r.runId)
    for (const step of ['lower-ttls', 'switch-dns', 'shift-website']) {
      expect(entries.some((e) => e.t === 'wait' && e.step === step && e.reason.includes('INSYNC'))).toBe(true)
    }
  })

  it('rollback: one batch per zone per restored step', async () => {
    w = await openWorld()
    await runReference(w, 'prod')
    w.batches.length = 0
    const back = await rollbackLast(w)
    expect(back.status).toBe('restored')
    expect(batchesByStep(w)).toEqual({ 'shift-website': ['Z0EXAMPLE0001'], 'switch-dns': ['Z0EXAMPLE0001'], 'lower-ttls': ['Z0EXAMPLE0001'] })
  })
})

const factsOf = (entries: JournalEntry[], kind: string) =>
  entries.flatMap((e) => (e.t === 'fact' && e.kind === kind ? [e.data as Record<string, unknown>] : []))

describe('invariant 7: the TTL gate holds across a restart', () => {
  it('a run stopped after lowering the TTLs and resumed later switches no earlier than insyncAt + previous TTL', async () => {
    w = await openWorld()
    // The first invocation lowers the TTLs and stops (approval refused before the deploy).
    const first = await runReference(w, 'prod', { yes: false, prompt: async () => false, edit: pauseBefore('deploy-eks') })
    expect(first.status).toBe('declined')
    const lowered = factsOf(await entriesOf(w, first.runId), 'route53.ttl-lowered')
    expect(lowered.map((f) => [f.name, f.previousTtl, f.ttl])).toEqual([
      ['inventory.example.com.', 300, 60],
      ['orders.example.com.', 300, 60],
      ['www.example.com.', 300, 60],
    ])
    const notBefore = Math.max(...lowered.map((f) => Number(f.insyncAt) + Number(f.previousTtl) * 1000))
    expect(w.sb.clock.now()).toBeLessThan(notBefore)

    // A new invocation (a fresh engine: nothing but the journal remembers) resumes the run.
    w.batches.length = 0
    const second = await runReference(w, 'prod')
    expect(second).toMatchObject({ runId: first.runId, resumed: true, status: 'done' })
    const switches = w.sb.calls().filter((c) => c.operation === 'ChangeResourceRecordSets' && !c.fault).slice(1)
    expect(switches.length).toBe(4)
    for (const c of switches) expect(Date.parse(c.at)).toBeGreaterThanOrEqual(notBefore)
    // The wait was journaled with the gate, not skipped.
    const waits = (await entriesOf(w, first.runId)).filter((e) => e.t === 'wait' && e.step === 'switch-dns' && e.reason.startsWith('TTL gate'))
    expect(waits.length).toBe(1)
  })

  it('with ttlGate: refuse, a resumed run refuses to switch early and changes no record', async () => {
    w = await openWorld()
    const refuse = (pb: Playbook): Playbook =>
      ({ ...pb, steps: pb.steps.map((s) => (s.id === 'switch-dns' ? { ...s, onFailure: 'stop' as const, params: { ...(s.params as object), ttlGate: 'refuse' } } : s)) })
    const first = await runReference(w, 'prod', { yes: false, prompt: async () => false, edit: (pb) => pauseBefore('deploy-eks')(refuse(pb)) })
    expect(first.status).toBe('declined')
    const before = w.sb.calls().filter((c) => c.operation === 'ChangeResourceRecordSets').length
    const second = await runReference(w, 'prod', { edit: refuse })
    expect(second.status).toBe('failed')
    const entries = await entriesOf(w, first.runId)
    expect(entries.find((e) => e.t === 'failed' && e.step === 'switch-dns')).toMatchObject({ error: expect.stringMatching(/not before/) })
    expect(w.sb.calls().filter((c) => c.operation === 'ChangeResourceRecordSets').length).toBe(before)
  })
})
