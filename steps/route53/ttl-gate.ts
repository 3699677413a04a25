/**
 * The TTL gate: a record may not be switched before its previous TTL has run out since the lower
 * TTL took effect, measured from the `route53.ttl-lowered` facts journaled by a `route53.ttl`
 * step of the same run (so it holds across restarts).
 */
import type { Fact } from '../../runner/contract.js'
import { parseKey } from './names.js'

export type TtlGate = { notBefore: number; records: string[]; /** The largest previous TTL among them, in seconds. */ previousTtl: number }

type Lowered = { zoneId: string; name: string; type: string; previousTtl: number; insyncAt: number }

/** The latest instant any of `keys` may change, or null when no fact constrains them. */
export function ttlGate(facts: Fact[], keys: string[]): TtlGate | null {
  let notBefore = -Infinity
  let previousTtl = 0
  const records: string[] = []
  const wanted = new Set(keys.map((k) => {
    const { zoneId, name, type } = parseKey(k)
    return `${zoneId} ${name} ${type}`
  }))
  for (const f of facts) {
    const d = f.data as Lowered
    // DNS caches answers per name and type, whatever the set identifier.
    const id = `${d.zoneId} ${d.name} ${d.type}`
    if (!wanted.has(id)) continue
    notBefore = Math.max(notBefore, d.insyncAt + d.previousTtl * 1000)
    previousTtl = Math.max(previousTtl, d.previousTtl)
    if (!records.includes(`${d.name} ${d.type}`)) records.push(`${d.name} ${d.type}`)
  }
  return records.length > 0 ? { notBefore, records, previousTtl } : null
}

/** `14:05:10Z, 58 min from now` (with the date when it is not today, UTC). */
export function formatGate(notBefore: number, now: number): string {
  const iso = new Date(notBefore).toISOString()
  const sameDay = iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10)
  const at = `${sameDay ? '' : iso.slice(0, 10) + ' '}${iso.slice(11, 19)}Z`
  const s = Math.ceil((notBefore - now) / 1000)
  const rel = s <= 0 ? 'already passed' : s < 120 ? `${s} s from now` : `${Math.ceil(s / 60)} min from now`
  return `${at}, ${rel}`
}
