/**
 * Loading a playbook: read, parse, check everything, and either return a fully resolved
 * playbook or every problem at once, in document order. Nothing here constructs a client,
 * touches the network or runs code from the file.
 */
import { readFile, stat } from 'node:fs/promises'
import type { StepType } from '../contract.js'
import { issuesToProblems, phrase } from './issues.js'
import { MAX_FILE_BYTES, MAX_PROBLEMS } from './limits.js'
import { dedupeProblems, sortProblems } from './problem.js'
import { resolveDefaults, resolveSteps } from './resolve.js'
import { playbookSchema } from './schema.js'
import { buildScope, isPlainObject } from './scope.js'
import { checkTargets, resolveTargets } from './targets.js'
import type { LoadOptions, LoadResult, Playbook, Problem } from './types.js'
import { readSource, sizeProblem } from './yaml-source.js'

/** The registry of steps/index.ts, imported only when no registry is passed in. */
export async function defaultRegistry(): Promise<ReadonlyMap<string, StepType>> {
  return (await import('../../steps/index.js')).stepTypes
}

/**
 * Loads and validates a playbook file. Never throws for anything wrong with the file (unreadable,
 * too large, malformed, invalid): those are problems. `file` is reported as given.
 */
export async function loadPlaybook(file: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const read = await readPlaybookFile(file)
  if ('problems' in read) return { ok: false, problems: read.problems }
  return parsePlaybookText(read.text, file, opts)
}

/** The text of a playbook file, or why it cannot be read (too large, missing, unreadable). */
export async function readPlaybookFile(file: string): Promise<{ text: string } | { problems: Problem[] }> {
  try {
    const info = await stat(file)
    if (info.size > MAX_FILE_BYTES) return { problems: [sizeProblem(file, info.size)] }
    return { text: await readFile(file, 'utf8') }
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message
    return { problems: [{ file, line: 1, col: 1, path: '', message: `cannot read the playbook: ${reason}` }] }
  }
}

/** The names under `environments`, in file order; none when the text does not parse. */
export function environmentNames(text: string, file: string): string[] {
  const read = readSource(text, file)
  if (!read.ok || !isPlainObject(read.source.data)) return []
  const envs = read.source.data.environments
  return isPlainObject(envs) ? Object.keys(envs) : []
}

/** Validates playbook text; `fileName` is only used in problems. */
export async function parsePlaybookText(text: string, fileName: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const registry = opts.registry ?? (await defaultRegistry())
  return checkPlaybookText(text, fileName, { ...opts, registry })
}

/** The synchronous core of {@link parsePlaybookText}, for callers that hold a registry. */
export function checkPlaybookText(
  text: string,
  file: string,
  opts: LoadOptions & { registry: ReadonlyMap<string, StepType> },
): LoadResult {
  const read = readSource(text, file)
  if (!read.ok) return { ok: false, problems: finish(read.problems) }
  const { source } = read
  const problems: Problem[] = []
  const parsed = playbookSchema.safeParse(source.data, { reportInput: true, error: phrase })
  if (!parsed.success) problems.push(...issuesToProblems(source, parsed.error.issues, playbookSchema))
  if (!isPlainObject(source.data)) return { ok: false, problems: finish(problems) }

  const raw = source.data
  const scoped = buildScope(source, raw, opts)
  problems.push(...scoped.problems)
  const defaults = resolveDefaults(raw)
  const resolved = resolveSteps(source, raw, opts.registry, scoped.scope, defaults)
  problems.push(...resolved.problems)
  const targets = resolveTargets(raw, scoped.scope?.env?.name)
  if (scoped.scope !== undefined) problems.push(...checkTargets(source, raw, targets))
  if (problems.length > 0 || !parsed.success || scoped.scope === undefined) {
    return { ok: false, problems: finish(problems) }
  }
  const doc = parsed.data
  const playbook: Playbook = {
    name: doc.name,
    ...(doc.description !== undefined ? { description: doc.description } : {}),
    version: 1,
    ...(scoped.scope.env !== undefined ? { env: scoped.scope.env } : {}),
    ...((scoped.scope.env?.state ?? doc.state) !== undefined ? { state: scoped.scope.env?.state ?? doc.state } : {}),
    targets,
    vars: { ...scoped.scope.vars },
    defaults,
    ...(doc.rollbackOf !== undefined ? { rollbackOf: doc.rollbackOf } : {}),
    steps: resolved.steps,
  }
  return { ok: true, playbook }
}

/** Document order, no duplicates, bounded. */
function finish(problems: Problem[]): Problem[] {
  const sorted = dedupeProblems(sortProblems(problems))
  if (sorted.length <= MAX_PROBLEMS) return sorted
  const last = sorted[MAX_PROBLEMS - 1]!
  return [
    ...sorted.slice(0, MAX_PROBLEMS - 1),
    { ...last, path: '', message: `... and ${sorted.length - MAX_PROBLEMS + 1} more problems (fix these first)` },
  ]
}
