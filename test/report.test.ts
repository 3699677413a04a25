/**
 * The run report (runner/report/) of the reference run, and of its rollback: its data (steps,
 * durations, waits by reason, DNS windows, cron gaps, field diffs) and the structure of the HTML
 * page (timeline rows and marks, window and gap rows), never its pixels.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { buildReport } from '../runner/report/model.js'
import { renderReportHtml } from '../runner/report/html.js'
import { renderReportText } from '../runner/report/text.js'
import { report } from '../runner/engine/history.js'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchManifests, benchPlaybook, benchScenario } from '../fixtures/generate-bench.js'
import { entriesOf, openWorld, rollbackLast, runReference, type World } from './helpers/reference-run.js'

let world: World | undefined
afterEach(async () => {
  await world?.stop()
  world = undefined
})

const at = (iso: string) => Date.parse(iso)
const count = (html: string, re: RegExp) => (html.match(re) ?? []).length

describe('run report of the reference switchover (env test, sandbox clock from 01:55)', () => {
  it('has every step with its duration, waits collapsed by reason, and the approvals', async () => {
    world = await openWorld()
    const res = await runReference(world, 'test')
    expect(res.exitCode).toBe(0)
    const r = buildReport(res.runId, await entriesOf(world, res.runId))
    expect(r.status).toBe('done')
    expect(r.clock).toBe('virtual')
    expect(r.startedAt).toBe(at('2026-03-02T01:55:00Z'))
    // The run id follows the run's clock, as its journal does.
    expect(res.runId.startsWith('20260302-0155')).toBe(true)
    expect(r.steps.map((s) => [s.id, s.status])).toEqual([
      ['lower-ttls', 'done'], ['deploy-eks', 'done'], ['disable-ecs-schedules', 'done'],
      ['switch-dns', 'done'], ['shift-website', 'done'], ['resume-cronjobs', 'done'],
    ])
    for (const s of r.steps) expect(s.durationMs).toBe(s.endAt - s.startAt)
    expect(r.durationMs).toBe(r.endedAt - r.startedAt)
    expect(r.waitedMs).toBe(r.steps.reduce((n, s) => n + s.waitedMs, 0))
    const shift = r.steps.find((s) => s.id === 'shift-website')!
    // Every INSYNC poll of three stages is one group with its count and total.
    const insync = shift.waits.filter((w) => w.reason === 'Route 53 change INSYNC')
    expect(insync).toHaveLength(1)
    expect(insync[0].count).toBeGreaterThan(3)
    expect(insync[0].totalMs).toBe(insync[0].spans.reduce((n, [a, b]) => n + b - a, 0))
    // Two approvals between three stages, journaled with their time.
    expect(shift.marks.filter((m) => m.kind === 'approval')).toHaveLength(2)
    expect(shift.marks.filter((m) => m.kind === 'batch')).toHaveLength(3)
    const ttl = r.steps.find((s) => s.id === 'lower-ttls')!
    const change = ttl.changes.find((c) => c.label === 'orders.test.example.com. CNAME')!
    expect(change.fields).toEqual([{ path: '/TTL', op: 'changed', before: '300', after: '60' }])
    expect(r.changed).toBe(r.steps.reduce((n, s) => n + s.changes.length, 0))
  })

  it('gives each switched record its DNS window, measured from the journal', async () => {
    world = await openWorld()
    const res = await runReference(world, 'test')
    const r = buildReport(res.runId, await entriesOf(world, res.runId))
    expect(r.dns.map((z) => z.zoneId)).toEqual(['Z0EXAMPLETEST'])
    const orders = r.dns[0].records.find((w) => w.label === 'orders.test.example.com. CNAME')!
    expect(orders).toMatchObject({ previousTtl: 300, ttl: 60, gateKept: true })
    // The gate opens the previous TTL after the lowering was INSYNC; the switch waits for it.
    expect(orders.ttlGateAt).toBe(orders.ttlInsyncAt! + 300_000)
    expect(orders.ttlLoweredAt!).toBeLessThan(orders.ttlInsyncAt!)
    expect(orders.switches).toHaveLength(1)
    expect(orders.switches[0].at).toBeGreaterThanOrEqual(orders.ttlGateAt!)
    expect(orders.switches[0].insyncAt!).toBeGreaterThan(orders.switches[0].at)
    expect(orders.clearAt).toBe(orders.switches[0].insyncAt! + 60_000)
    // The weighted set: one switch per stage, the old answer gone a TTL after the last INSYNC.
    const ecs = r.dns[0].records.find((w) => w.label === 'www.test.example.com. CNAME [ecs]')!
    expect(ecs.switches.map((s) => s.weight)).toEqual([90, 50, 0])
    expect(ecs.clearAt).toBe(ecs.switches[2].insyncAt! + 60_000)
  })

  it('lists the cron gap of every handed-over job: disabled, resumed, the times between and their fate', async () => {
    world = await openWorld()
    const res = await runReference(world, 'test')
    const r = buildReport(res.runId, await entriesOf(world, res.runId))
    expect(r.cron.map((g) => g.job)).toEqual(['test-inventory-sync', 'test-orders-cleanup', 'test-orders-hourly-report', 'test-website-sitemap'])
    const hourly = r.cron.find((g) => g.job === 'test-orders-hourly-report')!
    expect(hourly.ecs?.kind).toBe('rule')
    expect(hourly.ecs!.disabledAt).toBeLessThan(at('2026-03-02T02:00:00Z'))
    expect(hourly.k8s!.resumedAt).toBeGreaterThan(at('2026-03-02T02:00:00Z'))
    expect(hourly.times).toEqual([{ at: '2026-03-02T02:00:00.000Z', fate: 'caught up' }])
    expect(hourly.gapMs).toBe(hourly.k8s!.resumedAt - hourly.ecs!.disabledAt)
    const sitemap = r.cron.find((g) => g.job === 'test-website-sitemap')!
    expect(sitemap.times).toEqual([])
  })

  it('renders a self-contained page whose timeline, windows and gaps match the data', async () => {
    world = await openWorld()
    const res = await runReference(world, 'test')
    const r = await report(world.journal, res.runId)
    const html = renderReportHtml(r)
    expect(html).not.toMatch(/<script|<link|src=|url\((?!#)|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i)
    expect(count(html, /<g class="row step"/g)).toBe(6)
    for (const s of r.steps) expect(html).toContain(`<g class="row step" data-step="${s.id}" data-status="done"`)
    expect(count(html, /class="mark batch"/g)).toBeGreaterThanOrEqual(r.steps.reduce((n, s) => n + s.marks.filter((m) => m.kind === 'batch').length, 0))
    expect(count(html, /class="mark approval"/g)).toBeGreaterThanOrEqual(2)
    expect(count(html, /<rect class="wait"/g)).toBe(r.steps.reduce((n, s) => n + s.waits.reduce((k, w) => k + w.spans.length, 0), 0))
    expect(html).toContain('<g class="row dns" data-zone="Z0EXAMPLETEST"')
    expect(html).toContain('<g class="row cron" data-jobs="4"')
    expect(count(html, /<tr class="dns-window"/g)).toBe(4)
    expect(count(html, /<tr class="cron-gap"/g)).toBe(4)
    expect(count(html, /<details class="change"/g)).toBe(r.steps.reduce((n, s) => n + s.changes.length, 0))
    expect(html).toContain('<td class="mono">/TTL</td><td class="changed"><code>300</code></td><td class="changed"><code>60</code></td>')
    const text = renderReportText(r)
    expect(text).toContain('waited 60 s for Route 53 change INSYNC')
    expect(text).toMatch(/DNS window, zone Z0EXAMPLETEST: 4 record set\(s\); no resolver holds an old answer after 2026-03-02T\d\d:\d\d:\d\dZ/)
    expect(text).toContain('test-orders-hourly-report: ECS disabled')
  })

  it('links a rollback to the run it undid and back, and shows what the rollback restored', async () => {
    world = await openWorld()
    const res = await runReference(world, 'test')
    const back = await rollbackLast(world)
    expect(back.exitCode).toBe(0)
    const forward = await report(world.journal, res.runId)
    const undo = await report(world.journal, back.runId)
    expect(forward.rolledBackBy).toEqual([back.runId])
    expect(undo.rollbackOf).toBe(res.runId)
    expect(undo.mode).toBe('rollback')
    expect(renderReportHtml(forward)).toContain(`rolled back by <a href="${back.runId}.html" data-run="${back.runId}">`)
    expect(renderReportHtml(undo)).toContain(`rollback of <a href="${res.runId}.html" data-run="${res.runId}">`)
    expect(undo.steps.map((s) => s.id)).toEqual(['resume-cronjobs', 'shift-website', 'switch-dns', 'disable-ecs-schedules', 'deploy-eks', 'lower-ttls'])
    expect(undo.steps.every((s) => s.status === 'restored')).toBe(true)
    const ttl = undo.steps.find((s) => s.id === 'lower-ttls')!
    expect(ttl.changes.find((c) => c.label === 'orders.test.example.com. CNAME')!.fields).toEqual([{ path: '/TTL', op: 'changed', before: '60', after: '300' }])
    const deploy = undo.steps.find((s) => s.id === 'deploy-eks')!
    expect(deploy.changes.every((c) => c.op === 'delete')).toBe(true)
  })
})

describe('run report of the large benchmark estate (2,000 records over 4 zones, 300 jobs)', () => {
  it('groups records by zone, collapses long lists and stays a few megabytes', async () => {
    const sc = benchScenario('large')
    const dir = await mkdtemp(join(tmpdir(), 'switchover-report-large-'))
    try {
      await mkdir(join(dir, 'manifests'))
      for (const [file, text] of Object.entries(benchManifests(sc))) await writeFile(join(dir, 'manifests', file), text)
      await writeFile(join(dir, 'switchover.yaml'), benchPlaybook(sc))
      world = await openWorld({ estate: sc.estate })
      const res = await runReference(world, null, { file: join(dir, 'switchover.yaml') })
      expect(res.exitCode).toBe(0)
      const r = await report(world.journal, res.runId)
      expect(r.dns.map((z) => z.zoneId)).toEqual(sc.zones.map((z) => z.id))
      const switched = sc.zones.reduce((n, z) => n + z.switched.length, 0)
      expect(r.dns.reduce((n, z) => n + z.records.filter((w) => w.switches.length > 0).length, 0)).toBeGreaterThanOrEqual(switched)
      expect(r.dns.every((z) => z.records.every((w) => w.gateKept))).toBe(true)
      expect(r.cron).toHaveLength(sc.cronJobs.length)
      const html = renderReportHtml(r)
      expect(Buffer.byteLength(html)).toBeLessThan(8 * 1024 * 1024)
      // Every zone is one collapsed group in the DNS windows and in the changes of each DNS step.
      expect(count(html, /<details class="zone" data-zone="[^"]+">/g)).toBe(sc.zones.length)
      expect(count(html, /<details class="group">/g)).toBeGreaterThanOrEqual(sc.zones.length)
      expect(count(html, /<tr class="dns-window"/g)).toBe(r.dns.reduce((n, z) => n + z.records.length, 0))
      // One timeline row per step, per zone and the cron gap; a batch of hundreds of records is one mark.
      expect(count(html, /<g class="row /g)).toBe(r.steps.length + sc.zones.length + 1)
      const dnsRow = html.slice(html.indexOf('<g class="row dns"'), html.indexOf('</g>', html.indexOf('<g class="row dns"')))
      expect(count(dnsRow, /class="mark batch"/g)).toBeLessThanOrEqual(2 + sc.stages.length)
      const text = renderReportText(r)
      expect(text.split('\n').length).toBeLessThan(600)
      expect(text).toMatch(/… \d+ more change\(s\)/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 600_000)
})
