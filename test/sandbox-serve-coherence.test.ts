/**
 * While `sandbox serve` runs over a state directory, `sandbox dump` and `sandbox reset` act on
 * the running server, `--sandbox` refuses instead of starting a second sandbox over the same
 * state.json, and a second serve refuses too; the exported KUBECONFIG is absolute.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createAwsClients } from '../runner/clients/aws.js'
import { openEdge } from '../runner/cli/environment.js'
import type { Io } from '../runner/cli/io.js'
import { UsageError } from '../runner/errors.js'
import { dumpCommand, resetCommand, serveCommand, type ServeHandle } from '../sandbox/commands.js'
import { SERVE_FILE } from '../sandbox/serve-marker.js'

let dir = ''
let handle: ServeHandle | undefined
afterEach(async () => {
  await handle?.stop()
  handle = undefined
  if (dir) await rm(dir, { recursive: true, force: true })
})

const io: Io = { stdout: () => {}, stderr: () => {}, stdinIsTTY: false, stdoutIsTTY: false, env: {}, ask: async () => false }
const ruleState = (dump: string) => (JSON.parse(dump) as { events: { rules: { Name: string; State: string }[] } }).events.rules.find((r) => r.Name === 'test-inventory-sync')?.State

describe('sandbox serve and the commands that share its state directory', () => {
  it('dump and reset reach the running server; --sandbox and a second serve refuse; the marker goes with serve', async () => {
    dir = await mkdtemp(join(tmpdir(), 'serve-coherence-'))
    const stateDir = join(dir, '.playbook', 'sandbox')
    handle = await serveCommand({ stateDir: relative(process.cwd(), stateDir) })
    expect(isAbsolute(handle.sandbox.env.KUBECONFIG)).toBe(true)
    const aws = await createAwsClients({ env: handle.sandbox.env })
    await aws.eventbridge.disableRule({ Name: 'test-inventory-sync' })
    // Not saved yet: state.json does not exist, but dump shows the running estate.
    await expect(readFile(join(stateDir, 'state.json'))).rejects.toThrow()
    expect(ruleState(await dumpCommand({ stateDir }))).toBe('DISABLED')
    expect(await resetCommand({ stateDir })).toContain(`running sandbox at ${handle.sandbox.url} reset`)
    expect(ruleState(await dumpCommand({ stateDir }))).toBe('ENABLED')
    const refused = await openEdge(io, { stateDir: join(dir, '.playbook'), sandbox: true }).catch((e) => e)
    expect(refused).toBeInstanceOf(UsageError)
    expect(refused.message).toContain(`sandbox serve is running over ${stateDir} (${handle.sandbox.url}, pid ${process.pid}`)
    await expect(serveCommand({ stateDir })).rejects.toThrow(/sandbox serve is running over/)
    await handle.stop()
    handle = undefined
    await expect(readFile(join(stateDir, SERVE_FILE))).rejects.toThrow()
    // Stopped: the commands use state.json again, and --sandbox works.
    expect(ruleState(await dumpCommand({ stateDir }))).toBe('ENABLED')
    const edge = await openEdge(io, { stateDir: join(dir, '.playbook'), sandbox: true })
    await edge.close()
  })
})
