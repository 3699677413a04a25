/**
 * Named targets: the AWS targets (`aws:`) and Kubernetes clusters (`clusters:`) a playbook
 * declares at the top level and per environment (the environment's win per name), and the check
 * that every step's `aws:` / `cluster:` names one of them. Problems carry file:line:col like the
 * rest of validation.
 */
import { locate } from './locate.js'
import { formatPath, type DocPath } from './problem.js'
import { isPlainObject } from './scope.js'
import { didYouMean } from './suggest.js'
import type { AwsTarget, ClusterTarget, Problem, Targets } from './types.js'
import { problemAt, type Source } from './yaml-source.js'

/** The targets in force for `env` (undefined: no environment chosen), from the raw document. */
export function resolveTargets(raw: Record<string, unknown>, env: string | undefined): Targets {
  const envs = isPlainObject(raw.environments) ? raw.environments : {}
  const e = env !== undefined && isPlainObject(envs[env]) ? (envs[env] as Record<string, unknown>) : {}
  return {
    aws: { ...pick(raw.aws, awsTarget), ...pick(e.aws, awsTarget) },
    clusters: { ...pick(raw.clusters, clusterTarget), ...pick(e.clusters, clusterTarget) },
  }
}

/** Every step's `aws:` / `cluster:` must name a declared target; no name may be both kinds. */
export function checkTargets(source: Source, raw: Record<string, unknown>, targets: Targets): Problem[] {
  const problems: Problem[] = []
  const report = (path: DocPath, message: string, key = false) => {
    const loc = locate(source, path, { key })
    problems.push(problemAt(source.file, source.lines, loc.offset, formatPath(path), message))
  }
  const aws = Object.keys(targets.aws)
  const clusters = Object.keys(targets.clusters)
  // Item keys of a named target start with `@name/`: one name, one place.
  for (const name of aws.filter((n) => clusters.includes(n))) {
    const where: DocPath = isPlainObject(raw.clusters) && Object.hasOwn(raw.clusters, name) ? ['clusters', name] : ['environments']
    report(where, `"${name}" names both an AWS target and a cluster; give them different names (item keys of a target start with @${name}/)`, true)
  }
  const steps = Array.isArray(raw.steps) ? raw.steps : []
  steps.forEach((s: unknown, i: number) => {
    if (!isPlainObject(s)) return
    for (const [field, known, what, decl] of [
      ['aws', aws, 'AWS target', 'aws'],
      ['cluster', clusters, 'cluster', 'clusters'],
    ] as const) {
      const name = s[field]
      if (typeof name !== 'string' || known.includes(name)) continue
      const hint = known.length > 0 ? `${didYouMean(name, known)} (known: ${known.join(', ')})` : ''
      report(['steps', i, field], `no ${what} "${name}"${hint}; declare it under \`${decl}:\` at the top level or in the environment`)
    }
  })
  return problems
}

function pick<T>(v: unknown, convert: (o: Record<string, unknown>) => T | undefined): Record<string, T> {
  const out: Record<string, T> = {}
  if (!isPlainObject(v)) return out
  for (const [k, o] of Object.entries(v)) {
    const t = isPlainObject(o) ? convert(o) : undefined
    if (t !== undefined) Object.defineProperty(out, k, { value: t, enumerable: true, writable: true, configurable: true })
  }
  return out
}

function awsTarget(o: Record<string, unknown>): AwsTarget {
  const t: AwsTarget = {}
  for (const k of ['region', 'profile', 'role'] as const) if (typeof o[k] === 'string') t[k] = o[k]
  return t
}

function clusterTarget(o: Record<string, unknown>): ClusterTarget | undefined {
  return typeof o.context === 'string' ? { context: o.context } : undefined
}
