/**
 * `playbook sandbox serve | dump | reset | prom set`. They return data and strings; the CLI prints them.
 * State lives in `<stateDir>/state.json` (see persist.ts); serve saves it when it stops, and
 * while it runs `dump` and `reset` act on it through its control API (see serve-marker.ts).
 */
import { referenceEstate } from '../fixtures/generate.js'
import { canonicalJson } from '../runner/canonical.js'
import { dumpEstate } from './dump.js'
import type { Estate } from './estate.js'
import { startSandbox, type RunningSandbox } from './index.js'
import { loadOrSeed, readEstateFile, saveState, STATE_FILE } from './persist.js'
import { removeServeMarker, runningServe, SandboxServing, writeServeMarker } from './serve-marker.js'
import type { SandboxConfig } from './types.js'
import { setQueryValue } from './prometheus.js'

/** `--estate FILE` or an estate value. */
export type EstateSource = string | Estate

async function resolveEstate(source: EstateSource | undefined): Promise<Estate | undefined> {
  return typeof source === 'string' ? readEstateFile(source) : source
}

const shellQuote = (v: string) => (/^[\w@%+=:,./-]*$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`)

/** `export NAME=value` lines for a POSIX shell. */
export function exportLines(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
    .join('\n')
}

export type ServeHandle = {
  sandbox: RunningSandbox
  /** The `export ...` lines a shell needs to use the sandbox. */
  exports: string
  /** Resolves once the sandbox stopped (SIGINT/SIGTERM or `stop`) and its state is saved. */
  done: Promise<void>
  /** Save the state and stop (what a signal does). */
  stop(): Promise<void>
}

/**
 * Start a long-running sandbox on flowing time from `<stateDir>/state.json` (or `estate`, or the
 * reference estate), listening on 127.0.0.1 (`port` or a free one). On SIGINT/SIGTERM it saves
 * the state and stops; `done` resolves then.
 */
export async function serveCommand(opts: { estate?: EstateSource; stateDir: string; port?: number; config?: Partial<SandboxConfig> }): Promise<ServeHandle> {
  const other = await runningServe(opts.stateDir)
  if (other) throw new SandboxServing(opts.stateDir, other)
  const estate = await resolveEstate(opts.estate)
  const sandbox = await startSandbox({ estate, stateDir: opts.stateDir, persist: true, port: opts.port, config: { ...opts.config, flow: true } })
  let finish!: () => void
  const done = new Promise<void>((resolve) => (finish = resolve))
  let stopping: Promise<void> | null = null
  const stop = () =>
    (stopping ??= (async () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      try {
        await sandbox.save()
      } finally {
        await removeServeMarker(opts.stateDir, process.pid)
        await sandbox.stop()
        finish()
      }
    })())
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  await writeServeMarker(opts.stateDir, { url: sandbox.url, pid: process.pid, started: new Date().toISOString() })
  return { sandbox, exports: exportLines(sandbox.env), done, stop }
}

/** `sandbox dump`: the running serve's estate, else the persisted one (or the reference estate), as canonical, indented JSON. */
export async function dumpCommand(opts: { stateDir: string; ledger?: boolean }): Promise<string> {
  const serving = await runningServe(opts.stateDir)
  if (serving) {
    const res = await fetch(`${serving.url}/_sandbox/dump${opts.ledger ? '?ledger=1' : ''}`)
    if (!res.ok) throw new Error(`sandbox serve at ${serving.url} answered the dump with HTTP ${res.status}: ${await res.text()}`)
    return canonicalJson(await res.json(), 2)
  }
  const estate = await loadOrSeed(opts.stateDir)
  return canonicalJson(dumpEstate(estate, { ledger: opts.ledger }), 2)
}

/** `sandbox reset`: replace the persisted state with `estate` (or the reference estate). */
export async function resetCommand(opts: { stateDir: string; estate?: EstateSource }): Promise<string> {
  const given = await resolveEstate(opts.estate)
  const serving = await runningServe(opts.stateDir)
  if (serving) {
    const res = await fetch(`${serving.url}/_sandbox/reset`, { method: 'POST', body: given ? JSON.stringify(given) : '' })
    if (!res.ok) throw new Error(`sandbox serve at ${serving.url} refused the reset: HTTP ${res.status} ${await res.text()}`)
    return `running sandbox at ${serving.url} reset to ${typeof opts.estate === 'string' ? opts.estate : opts.estate ? 'the given estate' : 'its seed estate'}`
  }
  const estate = given ?? referenceEstate()
  await saveState(opts.stateDir, estate)
  return `sandbox state reset to ${typeof opts.estate === 'string' ? opts.estate : opts.estate ? 'the given estate' : 'the reference estate'} (${opts.stateDir}/${STATE_FILE})`
}

/**
 * `sandbox prom set`: what `/api/v1/query` answers for `query` (null clears it), on the running
 * sandbox at `url` (its control API) or else in the saved state the next `--sandbox` run loads.
 */
export async function promSetCommand(opts: { stateDir: string; query: string; value: number | null; url?: string }): Promise<string> {
  const shown = opts.value === null ? 'no value' : String(opts.value)
  if (opts.url) {
    const res = await fetch(new URL('/_sandbox/prometheus', opts.url), { method: 'POST', body: JSON.stringify({ query: opts.query, value: opts.value }) })
    if (!res.ok) throw new Error(`the sandbox at ${opts.url} refused: ${res.status} ${await res.text()}`)
    return `${opts.query} answers ${shown} on ${opts.url}`
  }
  const estate = await loadOrSeed(opts.stateDir)
  setQueryValue(estate, opts.query, opts.value)
  await saveState(opts.stateDir, estate)
  return `${opts.query} answers ${shown} (${opts.stateDir}/${STATE_FILE})`
}
