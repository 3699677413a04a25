/**
 * Formatting of problems and document paths, the one place that decides how a problem reads:
 * `switchover.yaml:14:9 steps[2].with.ttl: expected a number`.
 */
import type { Problem } from './types.js'

export type DocPath = readonly (string | number)[]

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/

/** `['steps', 2, 'with', 'ttl']` → `steps[2].with.ttl`; odd keys are quoted: `vars["a b"]`. */
export function formatPath(path: DocPath): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (IDENT.test(seg)) out += out === '' ? seg : `.${seg}`
    else out += `[${JSON.stringify(seg)}]`
  }
  return out
}

/** `file:line:col path: message`, or `file:line:col message` when the problem has no path. */
export function formatProblem(p: Problem): string {
  const where = `${p.file}:${p.line}:${p.col}`
  return p.path === '' ? `${where} ${p.message}` : `${where} ${p.path}: ${p.message}`
}

/** Document order (line, then column), stable for problems at the same place. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.line - b.p.line || a.p.col - b.p.col || a.i - b.i)
    .map(({ p }) => p)
}

/** Drops exact duplicates (same place, path and message), which overlapping checks can produce. */
export function dedupeProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>()
  return problems.filter((p) => {
    const k = formatProblem(p)
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}
