/**
 * Runs the playbook CLI (runner/cli.ts through tsx, so no build is needed) as a child process in
 * a directory of the test's own, and returns its exit code, output and JSON events.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from './reference-run.js'

export type CliResult = { code: number | null; out: string; err: string; events: Array<Record<string, unknown>> }

export function cliArgs(stateDir: string, args: string[]): string[] {
  const tsx = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href
  return ['--import', tsx, join(ROOT, 'runner/cli.ts'), '--state-dir', stateDir, ...args]
}

/** Spawns the CLI; `onStdout` sees output as it arrives (to act while the run is in flight). */
export function cli(cwd: string, stateDir: string, args: string[], onStdout?: (text: string) => void, extraEnv: Record<string, string> = {}): Promise<CliResult> {
  const env = { ...process.env }
  delete env.PLAYBOOK_SANDBOX_URL
  Object.assign(env, extraEnv)
  const child = spawn(process.execPath, cliArgs(stateDir, args), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (t: string) => {
    out += t
    onStdout?.(out)
  })
  child.stderr.setEncoding('utf8').on('data', (t: string) => (err += t))
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({ code, out, err, events: jsonLines(out) }))
  })
}

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text.split('\n').flatMap((l) => {
    if (!l.startsWith('{')) return []
    try {
      return [JSON.parse(l) as Record<string, unknown>]
    } catch {
      return []
    }
  })
}
