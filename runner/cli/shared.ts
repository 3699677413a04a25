/**
 * Pieces every CLI command shares: loading a playbook (problems → exit 2, before any client
 * exists), `--var` parsing, picking a renderer, the exit codes.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { StepType } from '../contract.js'
import type { Playbook } from '../engine/types.js'
import { UsageError } from '../errors.js'
import type { Emit } from '../events.js'
import type { Clock } from '../clock.js'
import { fanOut, jsonRenderer, plainRenderer } from '../render/plain.js'
import { addSecretValue } from '../render/redact.js'
import type { Io } from './io.js'

export const EXIT = { ok: 0, failed: 1, usage: 2, incomplete: 3, locked: 4, interrupted: 130 } as const

export type Registry = ReadonlyMap<string, StepType>

export type GlobalOptions = {
  stateDir: string
  output: 'text' | 'json'
  /** `--state s3://BUCKET/PREFIX`: team state (see cli/state.ts). */
  state?: string
  /** `--state-kms-key`: SSE-KMS key for team state writes (default SSE-S3). */
  stateKmsKey?: string
  /** The step types playbooks may use: the product's, unless a test hands in its own. */
  registry: () => Promise<Registry>
}

/** A playbook that did not load: the problems are already printed. */
export class InvalidPlaybook extends Error {
  constructor(file: string, count: number) {
    super(`${file}: ${count} problem${count === 1 ? '' : 's'}; nothing was run`)
  }
}

export function parseVars(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of list ?? []) {
    const eq = item.indexOf('=')
    if (eq <= 0) throw new UsageError(`--var ${item}: expected NAME=VALUE`)
    out[item.slice(0, eq)] = item.slice(eq + 1)
  }
  return out
}

export type Loaded = { playbook: Playbook; sha256: string; text: string; registry: ReadonlyMap<string, StepType> }

export async function load(io: Io, g: GlobalOptions, file: string, opts: { env?: string; vars?: string[]; runId?: string }): Promise<Loaded> {
  const { loadPlaybook, formatProblem } = await import('../playbook/index.js')
  const registry = await g.registry()
  const result = await loadPlaybook(file, { env: opts.env, vars: parseVars(opts.vars), runId: opts.runId, registry, secrets: io.env, onSecret: addSecretValue })
  if (!result.ok) {
    for (const p of result.problems) io.stderr(formatProblem(p) + '\n')
    throw new InvalidPlaybook(file, result.problems.length)
  }
  const text = await readFile(file, 'utf8')
  return { playbook: result.playbook, sha256: createHash('sha256').update(text).digest('hex'), text, registry }
}

/** `--from` / `--only` must name a step (exit 2 otherwise). */
export { checkSelection as checkSteps } from '../engine/execute.js'

/** `useClock`: the run's clock, once the edge has built it (JSON events carry the sandbox's time). */
export type Renderer = { emit: Emit; done(): Promise<void>; useClock?(clock: Clock): void }

/** `--output json`: JSON lines; a terminal without prompts: listr2; otherwise plain lines. */
export async function renderer(io: Io, g: GlobalOptions, opts: { interactive: boolean; verbosePlans?: boolean }): Promise<Renderer> {
  if (g.output === 'json') {
    let clock: Clock | undefined
    return { emit: jsonRenderer(io.stdout, Date.now, () => clock), done: async () => {}, useClock: (c) => (clock = c) }
  }
  if (io.stdoutIsTTY && !opts.interactive && !opts.verbosePlans) {
    const { listrRenderer } = await import('../render/listr.js')
    return listrRenderer(io.stdout)
  }
  return { emit: plainRenderer(io.stdout, { verbosePlans: opts.verbosePlans }), done: async () => {} }
}

export { fanOut }
