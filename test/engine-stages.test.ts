/**
 * A weighted DNS shift stops between stages: the records then hold a stage the run set, neither
 * the journaled before- nor after-state. The stages are journaled before their batch, so the
 * rollback accepts that state as the run's own (not drift) and restores the original weights,
 * whether the shift failed its gate or the process died.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { dyingJournal } from './helpers/dying-journal.js'
import type { FileJournal } from '../runner/journal/file.js'
import { openWorld, rollbackLast, runReference, type World } from './helpers/reference-run.js'

let w: World | undefined
afterEach(async () => {
  await w?.stop()
  w = undefined
})

const wwwWeights = (world: World) =>
  Object.fromEntries(
    world.sb.core.estate.route53.zones.find((z) => z.Name === 'example.com.')!.RecordSets.filter((r) => r.Name === 'www.example.com.').map((r) => [r.SetIdentifier, r.Weight]),
  )

describe('weighted stages and rollback', () => {
  it('an approval refused after the 50% stage rolls the whole run back to the seed (exit 1)', async () => {
    w = await openWorld()
    const seed = w.sb.dump()
    let asked = 0
    const r = await runReference(w, 'prod', { yes: false, prompt: async () => ++asked < 2 })
    expect(asked).toBe(2)
    expect(r.status).toBe('rolled-back')
    expect(r.exitCode).toBe(1)
    expect(w.sb.dump()).toEqual(seed)
  })

  it('a run that died between two stages rolls back without drift and without --force', async () => {
    w = await openWorld()
    const seed = w.sb.dump()
    const real = w.journal
    let stages = 0
    // The process dies as the third stage declaration is written: stage 10% is live, 50% never sent.
    w.journal = dyingJournal(real, (e) => e.t === 'stage' && ++stages === 3) as FileJournal
    await runReference(w, 'prod').catch(() => undefined)
    w.journal = real
    expect(wwwWeights(w)).toEqual({ ecs: 90, eks: 10 })
    const back = await rollbackLast(w)
    expect(w.events.filter((e) => e.kind === 'rollback-drift')).toEqual([])
    expect(back.status).toBe('restored')
    expect(w.sb.dump()).toEqual(seed)
  })
})
