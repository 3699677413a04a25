/**
 * `playbook run` refused by its preflight, through the CLI on the sandbox: a typo in the last
 * step's CronJob names exits 2 before the first write (the estate dump is unchanged) and leaves no
 * run in the history; `--output json` carries the refusal as events.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mainCli } from './helpers/main-cli.js'

const root = resolve(import.meta.dirname, '..')
const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

describe('playbook run preflight (CLI)', () => {
  it('a typo in resume-cronjobs names: exit 2, estate unchanged, no run journaled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-preflight-'))
    dirs.push(dir)
    const cli = mainCli(dir)
    const text = (await readFile(join(root, 'playbooks/switchover.yaml'), 'utf8'))
      .replace('selector: switchover.dev/scheduled=true', 'names: [orders-hourly-reprot]')
      .replaceAll('../fixtures/', `${join(root, 'fixtures')}/`)
    const pb = join(dir, 'typo.yaml')
    await writeFile(pb, text)
    const before = (await cli('sandbox', 'dump')).out
    const ran = await cli('--output', 'json', 'run', pb, '--env', 'test', '--sandbox', '--yes')
    expect(ran.code).toBe(2)
    const events = ran.out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(events.filter((e) => e.kind === 'step-failed')).toEqual([expect.objectContaining({ step: 'resume-cronjobs', phase: 'preflight' })])
    expect(events.at(-1)).toMatchObject({ kind: 'run-end', status: 'refused', exitCode: 2 })
    expect((await cli('sandbox', 'dump')).out).toBe(before)
    expect((await cli('history')).out).toMatch(/no runs/)
  }, 120_000)
})
