/**
 * Runs the reference playbook in process: the engine (runner/engine) against a sandbox started
 * by the test, with the real AWS SDK and Kubernetes clients over loopback and a file journal in
 * the test's own state directory, or (`state: 's3'`) the S3 journal in that sandbox's bucket
 * `switchover-state`. Every helper returns data (results, journal entries, calls);
 * the tests assert on those, never on console text.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { EngineEvent } from '../../runner/events.js'
import { createAwsClients } from '../../runner/clients/aws.js'
import { createKubeApi } from '../../runner/clients/kube.js'
import { createStepFiles } from '../../runner/clients/files.js'
import { run } from '../../runner/engine/execute.js'
import { plan } from '../../runner/engine/plan.js'
import { rollback } from '../../runner/engine/rollback.js'
import type { EngineOptions, Playbook } from '../../runner/engine/types.js'
import { FileJournal } from '../../runner/journal/file.js'
import type { Journal } from '../../runner/journal/journal.js'
import { S3Journal } from '../../runner/journal/s3.js'
import { S3Store } from '../../runner/state/s3-store.js'
import type { JournalEntry } from '../../runner/journal/entries.js'
import { loadPlaybook } from '../../runner/playbook/index.js'
import { startSandbox, type RunningSandbox } from '../../sandbox/index.js'
import type { Estate } from '../../sandbox/estate.js'
import { stepTypes } from '../../steps/index.js'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const REFERENCE = join(ROOT, 'playbooks/switchover.yaml')

/** One ChangeResourceRecordSets the runner sent: the step it belonged to and the zone. */
export type BatchCall = { step: string; zoneId: string; changes: number }

export type World = {
  sb: RunningSandbox
  stateDir: string
  journal: Journal
  events: EngineEvent[]
  batches: BatchCall[]
  stop(): Promise<void>
}

/**
 * A sandbox (reference estate unless `estate`) and an empty state directory of the test's own.
 * Route 53's request rate is raised: the sandbox's token bucket runs on real time, and these
 * tests count calls instead of timing them.
 */
export type StateBackendKind = 'dir' | 's3'

/** Where the S3 journal of `state: 's3'` worlds lives in the sandbox. */
export const S3_STATE = { bucket: 'switchover-state', prefix: 'team/reference' }

export async function openWorld(opts: { estate?: Estate; state?: StateBackendKind } = {}): Promise<World> {
  const stateDir = await mkdtemp(join(tmpdir(), 'switchover-inv-'))
  const sb = await startSandbox({ stateDir: join(stateDir, 'sandbox'), estate: opts.estate, config: { route53Rate: 10_000, route53Burst: 10_000 } })
  return {
    sb,
    stateDir,
    journal: opts.state === 's3' ? new S3Journal(new S3Store(S3_STATE, { env: sb.env })) : new FileJournal(stateDir),
    events: [],
    batches: [],
    async stop() {
      await sb.stop()
      await rm(stateDir, { recursive: true, force: true })
    },
  }
}

/** `env` null: a playbook without environments (the benchmark's). */
export async function loadReference(env: string | null, file = REFERENCE, secrets?: Record<string, string>): Promise<Playbook> {
  const r = await loadPlaybook(file, { env: env ?? undefined, ...(secrets ? { secrets } : {}) })
  if (!r.ok) throw new Error(`${file} does not load: ${JSON.stringify(r.problems)}`)
  return r.playbook
}

/** The step the engine is in: the last event that names one. */
function currentStep(events: EngineEvent[]): string {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]
    if ('step' in e) return e.step
  }
  return '(none)'
}

/** AWS clients that note every change batch with the step it was sent for. */
async function recordingAws(w: World, readOnly: boolean, region?: string) {
  const clients = await createAwsClients({ env: w.sb.env, readOnly, ...(region ? { region } : {}) })
  const send = clients.route53.changeResourceRecordSets.bind(clients.route53)
  clients.route53.changeResourceRecordSets = (async (input: { HostedZoneId?: string; ChangeBatch?: { Changes?: unknown[] } }) => {
    w.batches.push({ step: currentStep(w.events), zoneId: String(input.HostedZoneId).replace(/^\/hostedzone\//, ''), changes: input.ChangeBatch?.Changes?.length ?? 0 })
    return send(input as never)
  }) as typeof clients.route53.changeResourceRecordSets
  return clients
}

/**
 * As the CLI's edge does with --sandbox: a named AWS target keeps its region (the playbook's
 * `targets`), a named cluster is the sandbox's context of the same name.
 */
function deps(w: World, file: string, options: Partial<EngineOptions> = {}, targets?: Playbook['targets']) {
  return {
    journal: w.journal,
    clock: w.sb.clock,
    registry: stepTypes,
    clients: {
      aws: ({ readOnly, target }: { readOnly: boolean; target?: string }) => recordingAws(w, readOnly, target === undefined ? undefined : targets!.aws[target]!.region),
      kube: ({ readOnly, target }: { readOnly: boolean; target?: string }) => createKubeApi({ kubeconfigPath: w.sb.kubeconfigPath, readOnly, ...(target ? { context: target } : {}) }),
      files: () => createStepFiles(dirname(file)),
    },
    options: { force: false, skipTtlWait: false, yes: true, dryRun: false, ...options },
    prompt: async () => false,
    emit: (e: EngineEvent) => void w.events.push(e),
    source: { file, sha256: 'reference' },
  }
}

export type RunOpts = Partial<EngineOptions> & {
  file?: string
  /** Answer to approvals when `yes` is false. */
  prompt?: (question: string) => Promise<boolean>
  /** Change the loaded playbook before it runs (e.g. add a pause). */
  edit?: (pb: Playbook) => Playbook
  /** Environment variables for `${{ secrets.NAME }}` (none: the references stay as written). */
  secrets?: Record<string, string>
}

export async function runReference(w: World, env: string | null = 'prod', opts: RunOpts = {}) {
  const { file = REFERENCE, prompt, edit, secrets, ...options } = opts
  const loaded = await loadReference(env, file, secrets)
  const pb = edit ? edit(loaded) : loaded
  return run(pb, { ...deps(w, file, options, pb.targets), ...(prompt ? { prompt } : {}) })
}

export async function planReference(w: World, env: string | null = 'prod', file = REFERENCE, edit?: (pb: Playbook) => Playbook) {
  const pb = await loadReference(env, file)
  return plan(edit ? edit(pb) : pb, deps(w, file, { dryRun: true }, pb.targets))
}

/** `targets`: of the playbook whose run is rolled back (the journal's `where` holds the same). */
/** `file`: the playbook the run was made from (its manifests are read relative to it). */
export async function rollbackLast(w: World, target = 'last', force = false, targets?: Playbook['targets'], file = REFERENCE) {
  const d = deps(w, file, {}, targets)
  return rollback(target, { journal: d.journal, clock: d.clock, registry: d.registry, clients: d.clients, emit: d.emit }, { force })
}

export async function entriesOf(w: World, runId: string): Promise<JournalEntry[]> {
  return w.journal.read(runId)
}

/**
 * Mutating calls the sandbox served to the estate (a Kubernetes write with dryRun=All is not
 * one; nor is team state's own S3 traffic, the journal and lock, which is not the estate).
 */
export function mutatingCalls(w: World) {
  return w.sb.calls().filter((c) => c.mutating && c.service !== 's3')
}

/** An edit that asks for approval before `step` (refuse it to stop the run there, resumable). */
export function pauseBefore(step: string) {
  return (pb: Playbook): Playbook => ({ ...pb, steps: pb.steps.map((s) => (s.id === step ? { ...s, pause: `continue with ${step}?` } : s)) })
}
