/**
 * A weighted shift killed inside a stage (after its change batch, before or during its gate) and
 * run again finishes that stage first: the change is seen INSYNC, the records are read back, and
 * the gate after the stage is asked again, all before the next stage's batch. Calls are asserted
 * from the sandbox's call log, the gate from the approvals the rerun asked for.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { JournalEntry } from '../runner/journal/entries.js'
import type { EngineEvent } from '../runner/events.js'
import type { FileJournal } from '../runner/journal/file.js'
import type { CallRecord } from '../sandbox/types.js'
import { dyingJournal } from './helpers/dying-journal.js'
import { entriesOf, openWorld, runReference, type World } from './helpers/reference-run.js'

let w: World | undefined
afterEach(async () => {
  await w?.stop()
  w = undefined
})

const STEP = 'shift-website'

const wwwWeights = (world: World) =>
  Object.fromEntries(
    world.sb.core.estate.route53.zones.find((z) => z.Name === 'example.com.')!.RecordSets.filter((r) => r.Name === 'www.example.com.').map((r) => [r.SetIdentifier, r.Weight]),
  )

type Marks = { stepStart?: number; stepEnd?: number }

/** Events that note how many sandbox calls had been served when the step started and ended. */
function markingEvents(world: World, marks: Marks): EngineEvent[] {
  return new (class extends Array<EngineEvent> {
    override push(...items: EngineEvent[]): number {
      for (const e of items) {
        if (e.kind === 'step-start' && e.step === STEP) marks.stepStart = world.sb.calls().length
        if ((e.kind === 'step-done' || e.kind === 'step-skipped') && e.step === STEP) marks.stepEnd = world.sb.calls().length
      }
      return super.push(...items)
    }
  })()
}

type Asked = { question: string; weights: Record<string, unknown>; calls: CallRecord[] }

/** Kill the reference run where `dies` says, rerun it with every approval granted, and return what the rerun asked and called. */
async function killAndRerun(world: World, dies: (e: JournalEntry, askedYet: boolean) => boolean) {
  const real = world.journal
  let askedYet = false
  world.journal = dyingJournal(real, (e) => dies(e, askedYet)) as FileJournal
  await runReference(world, 'prod', { yes: false, prompt: async () => ((askedYet = true), true) }).catch(() => undefined)
  world.journal = real
  const killedAt = wwwWeights(world)
  const marks: Marks = {}
  world.events = markingEvents(world, marks)
  const asked: Asked[] = []
  const r = await runReference(world, 'prod', {
    yes: false,
    prompt: async (question) => {
      asked.push({ question, weights: wwwWeights(world), calls: world.sb.calls().slice(marks.stepStart) })
      return true
    },
  })
  return { r, killedAt, asked, stepCalls: world.sb.calls().slice(marks.stepStart, marks.stepEnd) }
}

const route53Ops = (calls: CallRecord[]) => calls.filter((c) => c.service === 'route53').map((c) => c.operation)

/** The calls between the start of the rerun's step and its first approval must finish the 10% stage. */
function expectStageFinished(asked: Asked[]) {
  expect(asked.map((a) => a.question)).toEqual([expect.stringContaining('(10% of traffic'), expect.stringContaining('(50% of traffic')])
  // The gate is asked with the records still at 10%: the 50% batch waits for it.
  expect(asked[0].weights).toEqual({ ecs: 90, eks: 10 })
  const ops = route53Ops(asked[0].calls)
  const lastBatch = ops.lastIndexOf('ChangeResourceRecordSets')
  const insync = ops.indexOf('GetChange', lastBatch + 1)
  expect(insync).toBeGreaterThan(lastBatch)
  expect(ops.indexOf('ListResourceRecordSets', insync + 1)).toBeGreaterThan(insync) // read-back after INSYNC
  return ops
}

describe('a resumed weighted stage finishes and passes its gate before the next stage', () => {
  it('killed right after the 10% batch returned (nothing journaled after it): the rerun re-sends that stage, waits INSYNC, reads back, asks the gate', async () => {
    w = await openWorld()
    const { r, killedAt, asked } = await killAndRerun(w, (e) => e.t === 'applied' && e.step === STEP)
    expect(killedAt).toEqual({ ecs: 90, eks: 10 })
    expect(r.status).toBe('done')
    expectStageFinished(asked)
    // The change id never reached the journal: the same stage is sent once more (idempotent), its INSYNC stands for both.
    // Route 53 refuses it (PriorRequestNotComplete) until the killed run's change is INSYNC; one is applied.
    const batches = asked[0].calls.filter((c) => c.operation === 'ChangeResourceRecordSets')
    expect(batches.filter((c) => c.status < 300)).toHaveLength(1)
    expect(batches.at(-1)!.status).toBeLessThan(300)
    expect(wwwWeights(w)).toEqual({ ecs: 0, eks: 100 })
  })

  it('killed while waiting for the 10% change to be INSYNC: the rerun polls the journaled change, sends nothing again, asks the gate', async () => {
    w = await openWorld()
    let applied = false
    const { r, asked } = await killAndRerun(w, (e) => {
      if (e.t === 'applied' && e.step === STEP) applied = true
      return applied && e.t === 'wait' && e.reason === 'Route 53 change INSYNC'
    })
    expect(r.status).toBe('done')
    const ops = expectStageFinished(asked)
    expect(ops.filter((o) => o === 'ChangeResourceRecordSets')).toHaveLength(0)
  })

  it('killed during the gate after the 10% stage (the answer never journaled): the rerun asks that gate again', async () => {
    w = await openWorld()
    const { r, killedAt, asked } = await killAndRerun(w, (_e, askedYet) => askedYet)
    expect(killedAt).toEqual({ ecs: 90, eks: 10 })
    expect(r.status).toBe('done')
    expect(asked.map((a) => a.question)).toEqual([expect.stringContaining('(10% of traffic'), expect.stringContaining('(50% of traffic')])
    expect(asked[0].weights).toEqual({ ecs: 90, eks: 10 })
    // INSYNC and read-back were done before the gate and journaled: the rerun neither re-sends nor polls.
    expect(route53Ops(asked[0].calls).filter((o) => o === 'ChangeResourceRecordSets' || o === 'GetChange')).toEqual([])
  })

  it('killed while waiting for the 100% change to be INSYNC (nothing left to change): the rerun still waits for it and reads back', async () => {
    w = await openWorld()
    let applied = 0
    const { r, killedAt, asked, stepCalls } = await killAndRerun(w, (e) => {
      if (e.t === 'applied' && e.step === STEP) applied++
      return applied === 3 && e.t === 'wait' && e.reason === 'Route 53 change INSYNC'
    })
    expect(killedAt).toEqual({ ecs: 0, eks: 100 })
    expect(r.status).toBe('done')
    expect(asked).toEqual([]) // no gate after the last stage
    const ops = route53Ops(stepCalls)
    expect(ops.filter((o) => o === 'ChangeResourceRecordSets')).toEqual([])
    const insync = ops.indexOf('GetChange')
    expect(insync).toBeGreaterThan(-1)
    expect(ops.indexOf('ListResourceRecordSets', insync + 1)).toBeGreaterThan(insync) // read-back after INSYNC
    // The journal says the last stage is seen through.
    expect((await entriesOf(w, r.runId)).filter((e) => e.t === 'fact' && e.step === STEP && e.data.stage === 100).map((e) => e.t === 'fact' && e.data.milestone)).toContain('verified')
  })
})
