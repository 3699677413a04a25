/**
 * A crash between a change and the fact that records it (the process dies after the call
 * returned, before the fact is durable): the resumed run finds nothing left to change in that
 * step, yet the facts later steps rely on must still be journaled (`settle`), or the TTL gate and
 * the cron handover would run without them; and what a step waits for after its calls (rollouts)
 * must still be waited for, or the next step acts on workloads that are not ready.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { JournalEntry } from '../runner/journal/entries.js'
import type { FileJournal } from '../runner/journal/file.js'
import { dyingJournal } from './helpers/dying-journal.js'
import { entriesOf, openWorld, ROOT, runReference, type World } from './helpers/reference-run.js'

let w: World | undefined
afterEach(async () => {
  await w?.stop()
  w = undefined
})

async function crashThenResume(world: World, dies: (e: JournalEntry) => boolean, file?: string) {
  const real = world.journal
  const env = file ? null : 'prod'
  world.journal = dyingJournal(real, dies) as FileJournal
  await runReference(world, env, { file }).catch(() => undefined)
  world.journal = real
  const resumed = await runReference(world, env, { file })
  expect(resumed.resumed).toBe(true)
  expect(resumed.status).toBe('done')
  return entriesOf(world, resumed.runId)
}

const facts = (entries: JournalEntry[], kind: string) =>
  entries.flatMap((e) => (e.t === 'fact' && e.kind === kind ? [e.data as Record<string, unknown>] : []))

describe('settle: facts lost in a crash are journaled on resume', () => {
  it('TTL lowered but its facts never written: the resume re-establishes them and the switch waits the full previous TTL', async () => {
    w = await openWorld()
    const entries = await crashThenResume(w, (e) => e.t === 'fact' && e.kind === 'route53.ttl-lowered')
    const lowered = facts(entries, 'route53.ttl-lowered')
    expect(lowered.map((f) => f.name).sort()).toEqual(['inventory.example.com.', 'orders.example.com.', 'www.example.com.'])
    for (const f of lowered) expect(f.previousTtl).toBe(300)
    // The switch of the records came no earlier than INSYNC + previous TTL (calls log times are virtual).
    const gate = Math.max(...lowered.map((f) => Number(f.insyncAt) + Number(f.previousTtl) * 1000))
    const switches = w.sb.calls().filter((c) => c.operation === 'ChangeResourceRecordSets' && !c.fault).map((c) => Date.parse(c.at))
    // First two batches: the crashed TTL change and the settle's repeat; the rest are switches.
    expect(switches.length).toBe(2 + 1 + 3)
    for (const at of switches.slice(2)) expect(at).toBeGreaterThanOrEqual(gate)
  })

  it('a scheduled task disabled but its fact never written: the resume journals a disable time, so the handover knows it', async () => {
    w = await openWorld()
    const entries = await crashThenResume(w, (e) => e.t === 'fact' && e.kind === 'ecs.scheduled-task-disabled')
    const disabled = facts(entries, 'ecs.scheduled-task-disabled')
    expect(disabled.map((f) => f.job).sort()).toEqual(['prod-inventory-sync', 'prod-orders-cleanup', 'prod-orders-hourly-report', 'prod-website-sitemap'])
    // Exactly one fact per job: settle adds only the missing one.
    expect(new Set(disabled.map((f) => f.job)).size).toBe(disabled.length)
  })

  it('every manifest applied but the step never done: the resume still waits for the rollouts, so the mesh shift after it finds its backend ready', async () => {
    w = await openWorld()
    // The multi-cluster playbook deploys 10 objects to eks; the process dies journaling the last one applied.
    let applied = 0
    const entries = await crashThenResume(w, (e) => e.t === 'applied' && e.step === 'deploy-eks' && ++applied === 10, join(ROOT, 'playbooks/multi-cluster.yaml'))
    const waited = entries.filter((e) => e.t === 'wait' && e.step === 'deploy-eks')
    expect(waited.length).toBeGreaterThan(0)
    expect(entries.some((e) => e.t === 'done' && e.step === 'shift-mesh')).toBe(true)
  })
})
