/**
 * The report through the CLI on the sandbox: run ids, `history` times and the journal agree with
 * the clock the run used (the sandbox's, from 01:55 UTC); `--output json` events carry both the
 * wall time and that clock; `show --output json` is the report as one JSON document.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mainCli } from './helpers/main-cli.js'

const root = resolve(import.meta.dirname, '..')
const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

const lines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)

describe('run report through the CLI on the sandbox', () => {
  it('run id, history, events and show follow the sandbox clock', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-cli-'))
    dirs.push(dir)
    const cli = mainCli(dir)
    const wallBefore = Date.now()
    const ran = await cli('--output', 'json', 'run', join(root, 'playbooks/switchover.yaml'), '--env', 'test', '--sandbox', '--yes')
    expect(ran.code).toBe(0)
    const events = lines(ran.out)
    const start = events.find((e) => e.kind === 'run-start')!
    expect(String(start.runId)).toMatch(/^20260302-0155\d\d-[0-9a-f]{4}$/)
    for (const e of events) {
      expect(Date.parse(String(e.at))).toBeGreaterThanOrEqual(wallBefore - 1000)
      expect(String(e.clock)).toMatch(/^2026-03-02T0[12]:/)
    }
    // Waits are virtual: the sandbox clock moves by what was waited, the wall clock barely.
    const clocks = events.map((e) => Date.parse(String(e.clock)))
    expect(clocks.at(-1)! - clocks[0]).toBeGreaterThan(5 * 60_000)

    const hist = lines((await cli('--output', 'json', 'history')).out)
    expect(hist[0]).toMatchObject({ runId: start.runId, started: '2026-03-02T01:55:00.000Z' })

    const shown = await cli('--output', 'json', 'show', String(start.runId))
    expect(shown.code).toBe(0)
    const report = JSON.parse(shown.out)
    expect(report).toMatchObject({ version: 1, runId: start.runId, status: 'done', clock: 'virtual', startedAt: Date.parse('2026-03-02T01:55:00Z') })
    expect(report.steps).toHaveLength(6)
    expect(report.dns[0].records.length).toBe(4)
    expect(report.cron.filter((g: { caughtUp: string | null }) => g.caughtUp === '2026-03-02T02:00:00.000Z')).toHaveLength(3)
  }, 180_000)
})
