/**
 * Invariant 8 on the reference playbook: while a run holds the state directory, a second run is
 * refused with exit code 4 and a message naming the holder, and it journals nothing. Both runs are the real CLI in their own processes.
 * The first run is held at its weighted shift's gate (an HTTP gate on a server of the test's own)
 * until the second has exited, so the two overlap however slowly the machine starts processes.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cli } from './helpers/cli.js'
import { gatedReference } from './helpers/gated-reference.js'
import { ROOT } from './helpers/reference-run.js'

let dir: string | undefined
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
  dir = undefined
})

describe('invariant 8: a concurrent run is refused', () => {
  it('refuses a second run with exit 4 naming the holder, while the first finishes with exit 0', async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchover-lock-'))
    const state = join(dir, 'state')
    const gate = await gatedReference()
    try {
      const args = ['--output', 'json', 'run', gate.playbook, '--env', 'test', '--sandbox', '--yes']
      let second: ReturnType<typeof cli> | undefined
      // Start the second run once the first holds the lock (it has begun a step); the first waits
      // at its gate until the second has exited.
      const first = cli(ROOT, state, args, (out) => {
        if (!second && out.includes('"kind":"step-start"')) second = cli(ROOT, state, args).finally(() => gate.open())
      })
      const a = await first
      expect(second).toBeDefined()
      const b = await second!
      await checkRefused(a, b)
    } finally {
      await gate.close()
    }
  }, 180_000)
})

async function checkRefused(a: Awaited<ReturnType<typeof cli>>, b: Awaited<ReturnType<typeof cli>>) {
  const state = join(dir!, 'state')
  expect(a.code).toBe(0)
  const runId = a.events.find((e) => e.kind === 'run-start')!.runId as string
  expect(b.code).toBe(4)
  expect(b.err).toContain(`locked by run ${runId}`)
  expect(b.err).toMatch(/pid \d+ on host /)
  expect(b.events.filter((e) => e.kind === 'run-start')).toEqual([])
  // Only the first run is journaled, and the lock is gone once it ended.
  expect(await readdir(join(state, 'runs'))).toEqual([`${runId}.jsonl`])
  await expect(readFile(join(state, 'lock'))).rejects.toThrow()
}
