/**
 * The built CLI as a child process, the way an operator runs it: what the kill-point harness
 * starts, kills with SIGKILL and starts again.
 */
import { spawn } from 'node:child_process'

export type CliProcess = {
  pid: number
  /** Exit code, or the signal name when killed. */
  exit: Promise<number | string>
  /** Everything printed so far (stdout and stderr interleaved). */
  output(): string
  kill(): void
}

export function startCli(cli: string, args: string[], o: { cwd: string; env: Record<string, string> }): CliProcess {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: o.cwd,
    env: o.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000))
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const exit = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')))
  return {
    pid: child.pid ?? -1,
    exit,
    output: () => out,
    kill: () => void child.kill('SIGKILL'),
  }
}

/** Run to the end; resolves with the exit code and output. */
export async function runCli(cli: string, args: string[], o: { cwd: string; env: Record<string, string> }): Promise<{ code: number | string; output: string }> {
  const p = startCli(cli, args, o)
  const code = await p.exit
  return { code, output: p.output() }
}
