/**
 * Invariant 8 on playbooks/multi-cluster.yaml (no environments; its steps name their targets):
 * while a run holds the state directory, a second run and a rollback are refused with exit code 4
 * and a message naming the holder, before any API call, and they journal nothing. The runs are
 * the real CLI in their own processes against one sandbox (as `sandbox serve` exports it). The
 * first run waits at its mesh shift's gate (an HTTP check of the test's own, in place of the alarm
 * gate) until the others have exited.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'
import { cli } from './helpers/cli.js'
import { gatedPlaybook, type GatedReference } from './helpers/gated-reference.js'
import { ROOT } from './helpers/reference-run.js'

const MULTI = join(ROOT, 'playbooks/multi-cluster.yaml')
const ALARM_GATE = /- alarms: \{ names: \["\$\{\{ vars\.websiteAlarm \}\}"\] \}\n\s+for: 2m\n\s+every: 15s/

let dir: string | undefined
let sb: RunningSandbox | undefined
let gate: GatedReference | undefined
afterEach(async () => {
  gate?.open()
  await gate?.close()
  await sb?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
  dir = sb = gate = undefined
})

describe('invariant 8 on the multi-cluster playbook', () => {
  it('refuses a second run and a rollback with exit 4 naming the holder, with no API call, while the first finishes', async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchover-lock-multi-'))
    sb = await startSandbox({ stateDir: join(dir, 'sandbox') })
    gate = await gatedPlaybook(MULTI, (text, url) => text.replace(ALARM_GATE, `- http: { url: "${url}", times: 1 }`))
    const state = join(dir, 'state')
    const play = (args: string[]) => cli(ROOT, state, ['--output', 'json', ...args], undefined, sb!.env)
    const apiCalls = () => sb!.calls().filter((c) => c.service !== 'control').length

    const first = play(['run', gate.playbook, '--yes'])
    // The first run holds the lock and waits at the gate after the 50% stage of the mesh shift.
    await gate.reached
    const before = apiCalls()
    const second = await play(['run', gate.playbook, '--yes'])
    const back = await play(['rollback', '--last', '--yes'])
    const during = apiCalls()
    gate.open()
    const a = await first

    expect(a.code).toBe(0)
    const runId = a.events.find((e) => e.kind === 'run-start')!.runId as string
    for (const refused of [second, back]) {
      expect(refused.code).toBe(4)
      expect(refused.err).toContain(`locked by run ${runId}`)
      expect(refused.err).toMatch(/pid \d+ on host /)
      expect(refused.events.filter((e) => e.kind === 'run-start' || e.kind === 'rollback-picked')).toEqual([])
    }
    expect(during).toBe(before)
    // Only the first run is journaled, and the lock is gone once it ended.
    expect(await readdir(join(state, 'runs'))).toEqual([`${runId}.jsonl`])
    await expect(readFile(join(state, 'lock'))).rejects.toThrow()
    const weights = (cluster: string) => {
      const split = sb!.core.estate.clusters![cluster]!.objects.find((o) => o.kind === 'TrafficSplit')!
      return (split.spec as { backends: Array<{ weight: number }> }).backends.map((b) => b.weight)
    }
    expect([weights('legacy'), weights('eks')]).toEqual([[0, 100], [0, 100]])
  }, 180_000)
})
