/**
 * The DNS window of every record a run switched: when its TTL was lowered and INSYNC, when the
 * TTL gate opened (the previous TTL after that INSYNC), when the switch (or each weighted stage)
 * was submitted and INSYNC, and from when on no resolver can still hold the old answer (the last
 * switch's INSYNC plus the TTL the record had then).
 */
import type { JournalEntry } from '../journal/entries.js'
import { labelOf, zoneOfKey } from './labels.js'
import { byCodeUnits } from '../canonical.js'

export type DnsSwitch = {
  step: string
  /** The change batch returned (Route 53 accepted it). */
  at: number
  /** GetChange said INSYNC (undefined: the run stopped before). */
  insyncAt?: number
  /** Weighted stages: the weight this set got. */
  weight?: number
}

export type DnsWindow = {
  key: string
  label: string
  previousTtl?: number
  ttl?: number
  ttlLoweredAt?: number
  ttlInsyncAt?: number
  /** ttlInsyncAt + previousTtl: resolvers may hold the old TTL's answers until then. */
  ttlGateAt?: number
  switches: DnsSwitch[]
  /** The last switch's INSYNC plus the record's TTL then: no resolver holds the old answer after it. */
  clearAt?: number
  /** False when a switch was submitted before the TTL gate opened (`--skip-ttl-wait`). */
  gateKept: boolean
}

export type DnsZone = { zoneId: string; records: DnsWindow[] }

const INSYNC = 'Route 53 change INSYNC'

export function dnsWindows(entries: readonly JournalEntry[]): DnsZone[] {
  const typeOf = new Map<string, string>()
  const windows = new Map<string, DnsWindow & { ttlAtSwitch?: number }>()
  const win = (key: string) => {
    let w = windows.get(key)
    if (!w) {
      w = { key, label: labelOf(key), switches: [], gateKept: true }
      windows.set(key, w)
    }
    return w
  }
  const ttlOf = new Map<string, number | undefined>() // key -> TTL the step sets
  const firstApplied = new Map<string, number>()
  for (const e of entries) if (e.t === 'applied') for (const k of e.keys) if (!firstApplied.has(`${e.step}\0${k}`)) firstApplied.set(`${e.step}\0${k}`, e.at)
  // Per step: switches waiting for their INSYNC (the chain of INSYNC waits after the batch).
  const open = new Map<string, { switches: DnsSwitch[]; insyncEnd?: number }>()
  const settle = (step: string) => {
    const o = open.get(step)
    if (o?.insyncEnd !== undefined) for (const s of o.switches) s.insyncAt = o.insyncEnd
    open.delete(step)
  }
  for (const e of entries) {
    switch (e.t) {
      case 'step':
        typeOf.set(e.step, e.type)
        break
      case 'item':
        if (zoneOfKey(e.key)) ttlOf.set(`${e.step}\0${e.key}`, (e.after as { TTL?: number } | null)?.TTL)
        break
      case 'stage':
        if (zoneOfKey(e.key)) ttlOf.set(`${e.step}\0${e.key}#stage`, (e.state as { Weight?: number } | null)?.Weight)
        break
      case 'applied': {
        if (typeOf.get(e.step) !== 'route53.records') break
        settle(e.step)
        const batch: DnsSwitch[] = []
        for (const key of e.keys.filter((k) => zoneOfKey(k))) {
          const w = win(key)
          const weight = ttlOf.get(`${e.step}\0${key}#stage`)
          const s: DnsSwitch = { step: e.step, at: e.at, ...(weight !== undefined ? { weight } : {}) }
          w.switches.push(s)
          w.ttlAtSwitch = ttlOf.get(`${e.step}\0${key}`)
          batch.push(s)
        }
        open.set(e.step, { switches: batch })
        break
      }
      case 'wait': {
        const o = open.get(e.step)
        if (o && e.reason === INSYNC) o.insyncEnd = e.at + e.ms
        else if (o && o.insyncEnd !== undefined) settle(e.step)
        break
      }
      case 'fact':
        if (e.kind === 'route53.ttl-lowered') {
          const d = e.data as { zoneId: string; name: string; type: string; setIdentifier?: string; previousTtl: number; ttl: number; insyncAt: number }
          const key = `route53:${d.zoneId}:${d.name}:${d.type}:${d.setIdentifier ?? '-'}`
          const w = win(key)
          Object.assign(w, { previousTtl: d.previousTtl, ttl: d.ttl, ttlInsyncAt: d.insyncAt, ttlGateAt: d.insyncAt + d.previousTtl * 1000 })
          w.ttlLoweredAt = firstApplied.get(`${e.step}\0${key}`) ?? d.insyncAt
        }
        break
      case 'done':
      case 'failed':
      case 'approval':
      case 'skipped':
        settle(e.step)
        break
      default:
        break
    }
  }
  for (const step of [...open.keys()]) settle(step)
  const zones = new Map<string, DnsWindow[]>()
  for (const { ttlAtSwitch, ...w } of windows.values()) {
    if (w.switches.length === 0 && w.ttlLoweredAt === undefined) continue
    const last = w.switches.at(-1)
    const ttl = ttlAtSwitch ?? w.ttl
    if (last?.insyncAt !== undefined && ttl !== undefined) w.clearAt = last.insyncAt + ttl * 1000
    w.gateKept = w.ttlGateAt === undefined || w.switches.every((s) => s.at >= w.ttlGateAt!)
    const zone = zoneOfKey(w.key)!
    zones.set(zone, [...(zones.get(zone) ?? []), w])
  }
  return [...zones].map(([zoneId, records]) => ({ zoneId, records: records.sort((a, b) => byCodeUnits(a.label, b.label)) }))
}

