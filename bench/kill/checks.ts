/**
 * What a kill point must leave behind: the estate equal to the seed (canonical dump), and a cron
 * ledger in which no scheduled time ran twice, on one platform or on both.
 */
import type { LedgerEntry } from '../../sandbox/estate.js'

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
