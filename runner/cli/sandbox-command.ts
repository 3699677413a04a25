/** `playbook sandbox serve | dump | reset | prom set`: thin wrappers over sandbox/commands.ts, imported lazily. */
import { join } from 'node:path'
import type { Io } from './io.js'
import { EXIT, type GlobalOptions } from './shared.js'

const sandboxDir = (g: GlobalOptions) => join(g.stateDir, 'sandbox')

export async function sandboxServe(io: Io, g: GlobalOptions, flags: { estate?: string; port?: string }): Promise<number> {
  const { serveCommand } = await import('../../sandbox/commands.js')
  const handle = await serveCommand({ stateDir: sandboxDir(g), estate: flags.estate, port: flags.port === undefined ? undefined : Number(flags.port) })
  io.stdout(`# sandbox listening on ${handle.sandbox.url}; state in ${sandboxDir(g)}; Ctrl-C saves and stops\n${handle.exports}\n`)
  await handle.done
  return EXIT.ok
}

export async function sandboxDump(io: Io, g: GlobalOptions, flags: { ledger?: boolean }): Promise<number> {
  const { dumpCommand } = await import('../../sandbox/commands.js')
  io.stdout((await dumpCommand({ stateDir: sandboxDir(g), ledger: flags.ledger })) + '\n')
  return EXIT.ok
}

export async function sandboxReset(io: Io, g: GlobalOptions, flags: { estate?: string }): Promise<number> {
  const { resetCommand } = await import('../../sandbox/commands.js')
  io.stdout((await resetCommand({ stateDir: sandboxDir(g), estate: flags.estate })) + '\n')
  return EXIT.ok
}

export async function sandboxProm(io: Io, g: GlobalOptions, action: string, query: string, value: string, flags: { url?: string }): Promise<number> {
  const number = value === 'none' ? null : Number(value)
  if (action !== 'set' || (number !== null && Number.isNaN(number) && value !== 'NaN')) {
    io.stderr(`usage: playbook sandbox prom set QUERY VALUE (VALUE a number, or none to clear it); got ${action} ... ${value}\n`)
    return EXIT.usage
  }
  const { promSetCommand } = await import('../../sandbox/commands.js')
  const url = flags.url ?? io.env.PLAYBOOK_SANDBOX_URL
  io.stdout((await promSetCommand({ stateDir: sandboxDir(g), query, value: number, ...(url ? { url } : {}) })) + '\n')
  return EXIT.ok
}
