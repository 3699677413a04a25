/**
 * The cron handover killed midway: the resume step sets a temporary `startingDeadlineSeconds`
 * while the controller catches up, then puts the original back. A process that dies in between
 * leaves the temporary deadline behind. A rerun must finish the handover (original deadline, no
 * marker left, the caught-up time run exactly once), and a rollback, with or without that rerun,
 * must restore the seed without reporting drift.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { referenceEstate } from '../fixtures/generate.js'
import type { JournalEntry } from '../runner/journal/entries.js'
import type { FileJournal } from '../runner/journal/file.js'
import type { LedgerEntry } from '../sandbox/estate.js'
import { dyingJournal } from './helpers/dying-journal.js'
import { entriesOf, openWorld, rollbackLast, runReference, type World } from './helpers/reference-run.js'

let w: World | undefined
afterEach(async () => {
  await w?.stop()
  w = undefined
})

const STEP = 'resume-cronjobs'
const NAMES = ['inventory-sync', 'orders-cleanup', 'orders-hourly-report', 'website-sitemap']

/** The reference estate three minutes before the hour: 02:00 falls in the gap and is caught up. */
async function crashedRun(dies: (e: JournalEntry) => boolean): Promise<{ world: World; seed: unknown }> {
  const world = await openWorld({ estate: { ...referenceEstate(), now: '2026-03-02T01:57:00.000Z' } })
  const seed = world.sb.dump()
  const real = world.journal
  world.journal = dyingJournal(real, dies) as FileJournal
  await expect(runReference(world, 'prod')).rejects.toThrow(/died/)
  world.journal = real
  return { world, seed }
}

const nth = (n: number, pred: (e: JournalEntry) => boolean) => {
  let seen = 0
  return (e: JournalEntry) => pred(e) && ++seen === n
}
const inStep = (t: JournalEntry['t']) => (e: JournalEntry) => e.t === t && 'step' in e && e.step === STEP

function cronJobs(world: World) {
  const objects = world.sb.core.estate.kubernetes.objects as Array<{ kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec: Record<string, unknown> }>
  return objects.filter((o) => o.kind === 'CronJob' && o.metadata.namespace === 'shop')
}

function ledger(world: World): LedgerEntry[] {
  return (world.sb.dump({ ledger: true }) as { ledger: LedgerEntry[] }).ledger
}

function expectNoDoubleRuns(world: World): void {
  const seen = ledger(world).map((e) => `${e.job} ${e.scheduledAt}`)
  expect(seen.filter((x, i) => seen.indexOf(x) !== i)).toEqual([])
}

/** Rerun: done, every CronJob resumed with its original (absent) deadline and no marker, 02:00 caught up once. */
async function expectRerunFinishes(world: World): Promise<void> {
  const again = await runReference(world, 'prod')
  expect(again.resumed).toBe(true)
  expect(again.status).toBe('done')
  const cjs = cronJobs(world)
  expect(cjs.map((c) => c.metadata.name).sort()).toEqual(NAMES)
  for (const cj of cjs) {
    expect(cj.spec.suspend).toBe(false)
    expect(cj.spec.startingDeadlineSeconds).toBeUndefined()
    expect(Object.keys(cj.metadata.annotations ?? {}).filter((a) => a.startsWith('switchover.dev/handover'))).toEqual([])
  }
  const entries = await entriesOf(world, again.runId)
  const resumed = entries.flatMap((e) => (e.t === 'fact' && e.kind === 'k8s.cronjob-resumed' ? [e.data as Record<string, unknown>] : []))
  expect(resumed.map((d) => d.cronjob).sort()).toEqual(NAMES)
  const onKube = (job: string) => ledger(world).filter((e) => e.job === job && e.platform === 'kubernetes').map((e) => e.scheduledAt)
  for (const job of ['prod-orders-hourly-report', 'prod-inventory-sync', 'prod-orders-cleanup']) expect(onKube(job)).toEqual(['2026-03-02T02:00:00.000Z'])
  expectNoDoubleRuns(world)
}

async function expectRollbackToSeed(world: World, seed: unknown): Promise<void> {
  const back = await rollbackLast(world)
  expect(world.events.filter((e) => e.kind === 'rollback-drift')).toEqual([])
  expect(back.status).toBe('restored')
  const { now: _a, ...estate } = world.sb.dump() as Record<string, unknown>
  const { now: _b, ...seeded } = seed as Record<string, unknown>
  expect(estate).toEqual(seeded)
  expectNoDoubleRuns(world)
}

describe('cron handover killed midway', () => {
  it('died while waiting for the controller (every temporary deadline set): the rerun finishes it, the rollback restores the seed', async () => {
    const { world, seed } = await crashedRun(nth(1, inStep('wait')))
    w = world
    expect(cronJobs(world).every((c) => c.spec.suspend === false && typeof c.spec.startingDeadlineSeconds === 'number')).toBe(true)
    await expectRerunFinishes(world)
    await expectRollbackToSeed(world, seed)
  })

  it('died after the first deadline was restored (the others still temporary): the rerun finishes the rest', async () => {
    const { world, seed } = await crashedRun(nth(1, inStep('applied')))
    w = world
    expect(cronJobs(world).filter((c) => typeof c.spec.startingDeadlineSeconds === 'number')).toHaveLength(3)
    await expectRerunFinishes(world)
    await expectRollbackToSeed(world, seed)
  })

  it('died before the first fact of the handover: the rerun journals every fact once', async () => {
    const { world, seed } = await crashedRun(nth(1, (e) => e.t === 'fact' && e.kind === 'k8s.cronjob-resumed'))
    w = world
    await expectRerunFinishes(world)
    await expectRollbackToSeed(world, seed)
  })

  it('rolled back right after the crash, no rerun: the temporary state is the run\'s own, not drift', async () => {
    const { world, seed } = await crashedRun(nth(1, inStep('wait')))
    w = world
    await expectRollbackToSeed(world, seed)
  })
})
