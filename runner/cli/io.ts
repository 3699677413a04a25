/**
 * What the CLI touches of the process, swappable for tests (as zx swaps spawn/log/kill): output
 * streams, whether stdin/stdout are terminals, the environment, and how to ask a question.
 */
import type { Write } from '../render/plain.js'
import { EXIT } from './shared.js'

export type Io = {
  stdout: Write
  stderr: Write
  stdinIsTTY: boolean
  stdoutIsTTY: boolean
  env: Record<string, string | undefined>
  /** Asks a yes/no question on the terminal. Only called when stdin is a TTY. */
  ask: (question: string) => Promise<boolean>
  /**
   * Calls `handler` on Ctrl-C (SIGINT) or SIGTERM instead of the default, until the returned
   * function is called; the latest handler wins. Absent where there is no process to signal.
   */
  onInterrupt?: (handler: () => void) => () => void
  /** Ends the process at once with `code` (a command stopped by Ctrl-C). */
  exitNow?: (code: number) => void
}

export function processIo(): Io {
  // A closed pipe (`playbook run ... | head`) must not kill a run halfway; output is best effort.
  process.stdout.on('error', () => {})
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stdinIsTTY: !!process.stdin.isTTY,
    stdoutIsTTY: !!process.stdout.isTTY,
    env: process.env,
    onInterrupt: interrupts(),
    exitNow: (code) => process.exit(code),
    ask: async (question) => {
      const { createInterface } = await import('node:readline/promises')
      const rl = createInterface({ input: process.stdin, output: process.stderr })
      const asked = new AbortController()
      // The terminal gives Ctrl-C to the prompt, not the process: pass it on (synchronously, so
      // the run's handler sees it before the refusal ends the run), then refuse.
      rl.once('SIGINT', () => {
        process.emit('SIGINT', 'SIGINT')
        asked.abort()
      })
      try {
        const answer = await rl.question(`${question} [y/N] `, { signal: asked.signal })
        return /^y(es)?$/i.test(answer.trim())
      } catch (e) {
        if (asked.signal.aborted) return false
        throw e
      } finally {
        rl.close()
      }
    },
  }
}

/**
 * A stack of interrupt handlers over the process's SIGINT and SIGTERM: listening only while a
 * handler is set, so a command that sets none (`sandbox serve`) keeps its own.
 */
function interrupts(): (handler: () => void) => () => void {
  const stack: Array<() => void> = []
  let interrupted = false
  // Once interrupted, a later Ctrl-C that finds no handler (the command is already finishing)
  // still ends with the interrupted code rather than the signal's default.
  const dispatch = () => {
    interrupted = true
    const handler = stack.at(-1)
    if (handler) handler()
    else process.exit(EXIT.interrupted)
  }
  let listening = false
  return (handler) => {
    if (!listening) for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, dispatch)
    listening = true
    stack.push(handler)
    return () => {
      const i = stack.lastIndexOf(handler)
      if (i >= 0) stack.splice(i, 1)
      if (stack.length === 0 && !interrupted) {
        for (const s of ['SIGINT', 'SIGTERM'] as const) process.off(s, dispatch)
        listening = false
      }
    }
  }
}

/** The approval function the engine gets: asks on a terminal, refuses clearly otherwise. */
export function promptFor(io: Io): (question: string) => Promise<boolean> {
  return async (question) => {
    if (!io.stdinIsTTY) {
      io.stderr(`cannot ask "${question}": stdin is not a terminal; rerun with --yes to approve in advance\n`)
      return false
    }
    return io.ask(question)
  }
}
