/**
 * What a kill point must leave behind: the estate equal to the seed (canonical dump), a cron
 * ledger in which no scheduled time ran twice, on one platform or on both, and a gate passed at
 * every stage of a weighted shift (but the last) by the killed run or its rerun.
 */
import type { LedgerEntry } from '../../sandbox/estate.js'
import type { WeightedStep } from './gated-playbook.js'

/** Paths where two canonical JSON values differ (at most `limit`), e.g. `route53.zones[0].RecordSets[5].TTL`. */
export function differences(a: unknown, b: unknown, limit = 5, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return []
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: string[] = []
    if (a.length !== b.length) out.push(`${path || '.'}: length ${a.length} vs ${b.length}`)
    for (let i = 0; i < Math.min(a.length, b.length) && out.length < limit; i++) out.push(...differences(a[i], b[i], limit - out.length, `${path}[${i}]`))
    return out.slice(0, limit)
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out: string[] = []
    const ra = a as Record<string, unknown>
    const rb = b as Record<string, unknown>
    for (const k of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
      if (out.length >= limit) break
      out.push(...differences(ra[k], rb[k], limit - out.length, path ? `${path}.${k}` : k))
    }
    return out
  }
  return [`${path || '.'}: ${short(a)} vs ${short(b)}`]
}

const short = (v: unknown) => {
  const s = JSON.stringify(v) ?? 'undefined'
  return s.length > 120 ? `${s.slice(0, 117)}...` : s
}

/** Scheduled times launched more than once (twice on one platform, or on ECS and Kubernetes). */
export function doubleRuns(ledger: readonly LedgerEntry[]): string[] {
  const byTime = new Map<string, LedgerEntry[]>()
  for (const e of ledger) {
    const key = `${e.job} @ ${e.scheduledAt}`
    byTime.set(key, [...(byTime.get(key) ?? []), e])
  }
  return [...byTime.entries()]
    .filter(([, runs]) => runs.length > 1)
    .map(([key, runs]) => `${key} ran ${runs.length} times (${runs.map((r) => `${r.platform} at ${r.launchedAt}`).join(', ')})`)
}

/** The ledger of a `GET /_sandbox/dump?ledger=1` answer. */
export function ledgerOf(dump: unknown): LedgerEntry[] {
  return ((dump as { ledger?: LedgerEntry[] }).ledger ?? []).slice()
}

type JournalLine = { t: string; step?: string; type?: string; aws?: string; key?: string; keys?: string[]; kind?: string; data?: Record<string, unknown> }

/**
 * Invariant 7 as the journal shows it: every record a `route53.records` step applied whose TTL a
 * `route53.ttl` step of the same run lowered must have a `route53.ttl-lowered` fact (what the TTL
 * gate waits on); without one the switch went ahead ungated. Items of a step on a named AWS target
 * (`aws: dns`) carry it as `@dns/...`; the facts name the record alone, in the target of their step.
 */
export function ungatedSwitches(lines: readonly JournalLine[]): string[] {
  const typeOf = new Map<string, string>()
  const targetOf = new Map<string, string>()
  for (const l of lines) {
    if (l.t !== 'step' || !l.step || !l.type) continue
    typeOf.set(l.step, l.type)
    if (l.aws) targetOf.set(l.step, `@${l.aws}/`)
  }
  const lowered = new Set(lines.filter((l) => l.t === 'item' && typeOf.get(l.step!) === 'route53.ttl').map((l) => l.key!))
  const gated = new Set(
    lines
      .filter((l) => l.t === 'fact' && l.kind === 'route53.ttl-lowered')
      .map((l) => `${targetOf.get(l.step!) ?? ''}route53:${l.data!.zoneId}:${l.data!.name}:${l.data!.type}:${l.data!.setIdentifier ?? '-'}`),
  )
  const switched = lines.filter((l) => l.t === 'applied' && typeOf.get(l.step!) === 'route53.records').flatMap((l) => l.keys ?? [])
  return [...new Set(switched.filter((k) => lowered.has(k) && !gated.has(k)))].map((k) => `${k} was switched without a TTL-lowered fact (no TTL gate)`)
}

/**
 * The gate between stages as the gate server saw it: each stage of `w` but the last must have had
 * a check answered while the records were at that stage (`passed`: the stage, in percent, at each
 * check answered 200). A rerun that went on from a stage it did not finish leaves a stage out.
 */
export function ungatedStages(passed: readonly number[], w: WeightedStep): string[] {
  return w.stages.slice(0, -1).filter((s) => !passed.includes(s))
    .map((s) => `${w.step}: no gate passed while the records were at the ${s}% stage (gate checks answered at: ${passed.map((p) => `${p}%`).join(', ') || 'none'})`)
}
