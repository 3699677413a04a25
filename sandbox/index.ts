/**
 * The sandbox: local endpoints speaking the real Route 53, ECS, EventBridge, Scheduler and
 * Kubernetes protocols on one loopback port, over an in-memory estate on virtual time.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { referenceEstate } from '../fixtures/generate.js'
import type { Clock } from '../runner/clock.js'
import { CallLog } from './calls.js'
import { virtualRunnerClock } from './clock.js'
import { Core } from './core.js'
import { dumpEstate } from './dump.js'
import { queryValues, setQueryValue } from './prometheus.js'
import type { Estate } from './estate.js'
import { FaultBook, type FaultRule } from './faults.js'
import { writeKubeconfig } from './kubeconfig.js'
import { loadOrSeed, saveState } from './persist.js'
import { listen } from './server.js'
import { controllers as registeredControllers, handlers as registeredHandlers } from './services.js'
import type { CallRecord, Controller, SandboxConfig, SandboxCore, ServiceHandler } from './types.js'

export type { FaultRule } from './faults.js'
export { canonicalJson, sameState } from '../runner/canonical.js'

export type StartSandboxOptions = {
  /** Seed estate (default: the persisted one with `persist`, else the reference estate). */
  estate?: Estate
  /** Where kubeconfig, calls.jsonl and state.json live (default: a fresh temp dir). */
  stateDir?: string
  /** Start from `<stateDir>/state.json` when it exists. */
  persist?: boolean
  config?: Partial<SandboxConfig>
  /** Calls log file (default `<stateDir>/calls.jsonl`). */
  callsLog?: string
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number
  /** Handlers and controllers (default: the registry in sandbox/services.ts). */
  handlers?: readonly ServiceHandler[]
  controllers?: readonly Controller[]
  /** Real ms an injected `Timeout` holds a request before dropping the connection (default 1000). */
  timeoutFaultMs?: number
}

export interface RunningSandbox {
  /** `http://127.0.0.1:PORT`: every protocol and the control API on one port. */
  readonly url: string
  readonly core: SandboxCore
  /** Virtual clock for the runner: `sleep(ms)` advances the sandbox's time by `ms`. */
  readonly clock: Clock
  /** AWS_ENDPOINT_URL, dummy credentials, AWS_REGION (and AWS_DEFAULT_REGION), KUBECONFIG, PLAYBOOK_SANDBOX_URL. */
  readonly env: Record<string, string>
  readonly kubeconfigPath: string
  readonly stateDir: string
  /** Every call served since start, in order (also appended to the calls log file). */
  calls(): CallRecord[]
  readonly faults: { add(rule: FaultRule): void; clear(): void }
  /** Canonical sorted JSON of the estate (see sandbox/dump.ts); ledger, Jobs, Events only with `ledger`. */
  dump(opts?: { ledger?: boolean }): unknown
  /** Replace the estate with `estate` (default: the seed) and its clock. Faults and calls stay. */
  reset(estate?: Estate): void
  /** Write `<stateDir>/state.json` atomically, with the current virtual time in `now` (flow time caught up first). */
  save(): Promise<void>
  /** Close the server and every connection, flush the calls log. */
  stop(): Promise<void>
}

export async function startSandbox(opts: StartSandboxOptions = {}): Promise<RunningSandbox> {
  // Absolute, so the exported KUBECONFIG works from any directory.
  const stateDir = resolve(opts.stateDir ?? (await mkdtemp(join(tmpdir(), 'switchover-sandbox-'))))
  const seed = opts.estate ?? referenceEstate()
  const initial = opts.estate ?? (opts.persist ? await loadOrSeed(stateDir) : seed)
  const controllers = opts.controllers ?? registeredControllers
  const core = new Core(initial, opts.config ?? {}, () => controllers)
  const faults = new FaultBook()
  const log = new CallLog(opts.callsLog ?? join(stateDir, 'calls.jsonl'))
  const dump = (o: { ledger?: boolean } = {}) => dumpEstate(core.estate, o)
  const reset = (estate?: Estate) => core.replace(estate ?? seed)
  const server = await listen({
    core,
    handlers: opts.handlers ?? registeredHandlers,
    faults,
    calls: log,
    control: {
      time: core.time, faults, calls: () => log.all(), dump, reset,
      queryValues: () => ({ ...queryValues(core.estate) }),
      setQueryValue: (query, value) => setQueryValue(core.estate, query, value),
    },
    port: opts.port,
    timeoutFaultMs: opts.timeoutFaultMs,
  })
  const kubeconfigPath = join(stateDir, 'kubeconfig')
  await writeKubeconfig(kubeconfigPath, server.url, { default: core.estate.cluster, others: Object.keys(core.estate.clusters ?? {}) })
  let stopped: Promise<void> | null = null
  return {
    url: server.url,
    core,
    clock: virtualRunnerClock(core.time),
    env: {
      AWS_ENDPOINT_URL: server.url,
      AWS_ACCESS_KEY_ID: 'sandbox',
      AWS_SECRET_ACCESS_KEY: 'sandbox',
      AWS_REGION: core.estate.region,
      // Version 1 of the AWS CLI reads only this one.
      AWS_DEFAULT_REGION: core.estate.region,
      KUBECONFIG: kubeconfigPath,
      PLAYBOOK_SANDBOX_URL: server.url,
    },
    kubeconfigPath,
    stateDir,
    calls: () => log.all(),
    faults: { add: (r) => faults.add(r), clear: () => faults.clear() },
    dump,
    reset,
    save: () => (core.time.sync(), saveState(stateDir, core.snapshot())),
    stop: () => (stopped ??= server.close().then(() => log.close())),
  }
}
