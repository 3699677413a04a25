/**
 * The reference run's report in a real browser: headless Chromium loads the page from a file
 * (no network), takes a screenshot, and the test fails on a blank page or on any console message
 * (the page has no script: a message means a resource failed or the markup broke). Skipped, saying
 * so, only when no Chromium is installed (CI installs Debian's `chromium`).
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { report } from '../runner/engine/history.js'
import { renderReportHtml } from '../runner/report/html.js'
import { pngStats } from './helpers/png.js'
import { openWorld, rollbackLast, runReference, type World } from './helpers/reference-run.js'

const browser = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p))
if (!browser) console.warn('report-browser: no Chromium found (set CHROMIUM_PATH or install Debian\'s chromium): the browser test is skipped')

/** Headless Chromium with no background networking (the machine has none), one fresh profile. */
async function screenshot(page: string, png: string, profile: string): Promise<{ code: number | null; console: string[] }> {
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0',
    '--window-size=1200,1600', `--screenshot=${png}`, pathToFileURL(page).href,
  ]
  const child = spawn(browser!, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  child.stderr.setEncoding('utf8').on('data', (t: string) => (err += t))
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  return { code, console: err.split('\n').filter((l) => /:CONSOLE[:(]/.test(l)) }
}

let world: World | undefined
let dir: string | undefined
afterEach(async () => {
  await world?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
  world = dir = undefined
})

describe.skipIf(!browser)('run report in headless Chromium', () => {
  it('renders the reference run and its rollback: not blank, no console message', async () => {
    world = await openWorld()
    const res = await runReference(world, 'test')
    const back = await rollbackLast(world)
    dir = await mkdtemp(join(tmpdir(), 'switchover-report-'))
    for (const id of [res.runId, back.runId]) {
      const page = join(dir, `${id}.html`)
      await writeFile(page, renderReportHtml(await report(world.journal, id)))
      const png = join(dir, `${id}.png`)
      const shot = await screenshot(page, png, join(dir, `profile-${id}`))
      expect(shot.console).toEqual([])
      expect(shot.code).toBe(0)
      const stats = pngStats(await readFile(png))
      expect(stats.width).toBe(1200)
      // A rendered report has text, bars and tables: many pixels off the background, many colours.
      expect(stats.differing).toBeGreaterThan(stats.width * stats.height * 0.03)
      expect(stats.colours).toBeGreaterThan(50)
    }
  }, 240_000)
})
