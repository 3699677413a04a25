/**
 * A temporary directory for each test that asks for one, with or without an in-process sandbox
 * whose state lives in it (a CLI reaches the sandbox through `sb.env`, exactly the variables
 * `playbook sandbox serve` prints). Both are gone after the test: call at the top of a test file.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../sandbox/index.js'

export type Scratch = {
  dir(): Promise<string>
  sandbox(options?: Omit<StartSandboxOptions, 'stateDir'>): Promise<{ dir: string; sb: RunningSandbox }>
}

export function scratchPerTest(prefix: string): Scratch {
  const dirs: string[] = []
  const sandboxes: RunningSandbox[] = []
  afterEach(async () => {
    for (const sb of sandboxes.splice(0)) await sb.stop()
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
  })
  const dir = async () => {
    const d = await mkdtemp(join(tmpdir(), prefix))
    dirs.push(d)
    return d
  }
  return {
    dir,
    async sandbox(options = {}) {
      const d = await dir()
      const sb = await startSandbox({ ...options, stateDir: join(d, 'sandbox') })
      sandboxes.push(sb)
      return { dir: d, sb }
    },
  }
}
