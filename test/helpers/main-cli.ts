/**
 * The playbook CLI in process (main(argv, io)) over one state directory, with no terminal: what
 * it printed on stdout and stderr, and its exit code.
 */
import { main } from '../../runner/cli/main.js'
import type { Io } from '../../runner/cli/io.js'

export type MainResult = { code: number; out: string; err: string }

export function mainCli(stateDir: string): (...args: string[]) => Promise<MainResult> {
  return async (...args) => {
    let out = ''
    let err = ''
    const io: Io = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stdinIsTTY: false, stdoutIsTTY: false, env: {}, ask: async () => false }
    const code = await main(['--state-dir', stateDir, ...args], io)
    return { code, out, err }
  }
}
