/**
 * While `sandbox serve` runs, `<stateDir>/serve.json` names it ({url, pid, started}), so the
 * commands that share the state directory act on the running server instead of a state.json
 * that serve overwrites when it stops: `sandbox dump` and `sandbox reset` go through its control
 * API, and `--sandbox` refuses (two sandboxes over one state would lose one's changes). A marker
 * whose process is gone, or whose server does not answer, is ignored.
 */
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export const SERVE_FILE = 'serve.json'

export type ServeMarker = { url: string; pid: number; started: string }

export async function writeServeMarker(stateDir: string, marker: ServeMarker): Promise<void> {
  await writeFile(join(stateDir, SERVE_FILE), JSON.stringify(marker) + '\n')
}

/** Remove the marker if it is still `pid`'s. */
export async function removeServeMarker(stateDir: string, pid: number): Promise<void> {
  const m = await readMarker(stateDir)
  if (m?.pid === pid) await rm(join(stateDir, SERVE_FILE), { force: true })
}

async function readMarker(stateDir: string): Promise<ServeMarker | null> {
  try {
    const m = JSON.parse(await readFile(join(stateDir, SERVE_FILE), 'utf8')) as ServeMarker
    return typeof m.url === 'string' && typeof m.pid === 'number' ? m : null
  } catch {
    return null
  }
}

/** The serve running over `stateDir`: its marker exists, its process lives and it answers. */
export async function runningServe(stateDir: string): Promise<ServeMarker | null> {
  const m = await readMarker(stateDir)
  if (!m || !alive(m.pid)) return null
  try {
    const res = await fetch(`${m.url}/_sandbox/clock`, { signal: AbortSignal.timeout(2000) })
    return res.ok ? m : null
  } catch {
    return null
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The running serve is refused as a second sandbox over the same state. */
export class SandboxServing extends Error {
  constructor(stateDir: string, m: ServeMarker) {
    super(`sandbox serve is running over ${stateDir} (${m.url}, pid ${m.pid}, since ${m.started}); use it instead: export the variables it printed and run without --sandbox, or stop it (Ctrl-C) first`)
  }
}
