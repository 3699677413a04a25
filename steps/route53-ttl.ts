/**
 * `route53.ttl`: set the TTL of chosen record sets of one hosted zone, in one atomic ChangeBatch
 * (split only past Route 53's limits), wait for INSYNC, and journal when the lower TTL took
 * effect so that a later `route53.records` step waits until the old TTL has run out.
 */
import * as z from 'zod'
import type { ApplyContext, Change, Note, Observed, PlannedEffects, StepContext, StepType } from '../runner/contract.js'
import { submitChanges, toRoute53Change } from './route53/batch.js'
import { describeRecord, fqdn, parseKey, recordKey, type RecordState } from './route53/names.js'
import { listRecordSets, resolveZone } from './route53/zone.js'
import { StepError } from './step-error.js'

const TYPE = 'route53.ttl'

export const route53TtlParams = z
  .object({
    zone: z.string({ error: 'give the hosted zone name (example.com) or id (Z0123...)' }).min(1, 'zone must not be empty'),
    ttl: z.number({ error: 'expected a number of seconds' }).int('ttl must be whole seconds').min(0).max(2147483647),
    names: z.array(z.string().min(1), { error: 'expected a list of record names' }).min(1, 'names must list at least one record').optional(),
    types: z.array(z.string().regex(/^[A-Z0-9]+$/, 'record types are upper case, e.g. CNAME')).min(1).default(['A', 'AAAA', 'CNAME']),
    select: z
      .object({
        types: z.array(z.string().regex(/^[A-Z0-9]+$/, 'record types are upper case, e.g. CNAME')).min(1, 'select.types must list at least one type'),
        valueMatches: z.string().refine(isRegExp, 'select.valueMatches must be a valid regular expression'),
      })
      .optional(),
  })
  .strict()
  .refine((p) => (p.names ? 1 : 0) + (p.select ? 1 : 0) === 1, 'give either names (with optional types) or select, not both')

export type Route53TtlParams = z.infer<typeof route53TtlParams>

function isRegExp(s: string): boolean {
  try {
    new RegExp(s)
    return true
  } catch {
    return false
  }
}

export class RecordsNotFound extends StepError {}

function selected(p: Route53TtlParams, zoneName: string, rs: RecordState): boolean {
  if (p.select) {
    if (!p.select.types.includes(rs.Type)) return false
    const re = new RegExp(p.select.valueMatches)
    const values = rs.AliasTarget ? [rs.AliasTarget.DNSName] : (rs.ResourceRecords ?? []).map((r) => r.Value)
    return values.some((v) => re.test(v))
  }
  const names = new Set((p.names ?? []).map((n) => fqdn(n, zoneName)))
  return names.has(rs.Name) && p.types.includes(rs.Type)
}

export const route53Ttl: StepType<Route53TtlParams> = {
  type: TYPE,
  description:
    'Set the TTL of record sets of one Route 53 hosted zone (chosen by name and type, or by a selector on type and value) ' +
    'in one atomic change batch, wait until the change is INSYNC and journal when the lower TTL took effect, so that a later ' +
    'DNS switch waits until the previous TTL has run out. Alias records have no TTL: they are reported and left alone.',
  params: route53TtlParams,
  itemStates: 'route53.record-set',

  async observe(ctx: StepContext, p: Route53TtlParams, keys?: string[]): Promise<Observed> {
    const zone = await resolveZone(ctx, TYPE, p.zone)
    const all = await listRecordSets(ctx, zone.id)
    const out: Observed = {}
    if (keys) {
      const byKey = new Map(all.map((rs) => [recordKey(zone.id, rs), rs]))
      for (const k of keys) out[k] = parseKey(k).zoneId === zone.id ? (byKey.get(k) ?? null) : null
      return out
    }
    for (const rs of all) if (selected(p, zone.name, rs)) out[recordKey(zone.id, rs)] = rs
    const missing = (p.names ?? []).map((n) => fqdn(n, zone.name)).filter((n) => !all.some((rs) => rs.Name === n && p.types.includes(rs.Type)))
    if (missing.length > 0) {
      throw new RecordsNotFound(TYPE, 'observe', `no ${p.types.join('/')} record set named ${missing.join(', ')} in zone ${zone.name} (${zone.id})`,
        'Fix the names or types in the step, or use select to pick records by value')
    }
    return out
  },

  diff(p: Route53TtlParams, now: Observed): Change[] {
    const changes: Change[] = []
    for (const [key, state] of Object.entries(now)) {
      const rs = state as RecordState | null
      if (!rs || rs.AliasTarget || rs.TTL === p.ttl) continue
      changes.push({ key, before: rs, after: { ...rs, TTL: p.ttl }, summary: `${describeRecord(rs)} ttl ${rs.TTL} -> ${p.ttl}` })
    }
    return changes
  },

  notes(_ctx: StepContext, p: Route53TtlParams, now: Observed, changes: Change[]): Note[] {
    const notes: Note[] = []
    for (const state of Object.values(now)) {
      const rs = state as RecordState | null
      if (rs?.AliasTarget) notes.push({ level: 'warn', message: `${describeRecord(rs)} is an alias record (no TTL of its own): skipped` })
    }
    const longest = Math.max(0, ...changes.map((c) => (c.before as RecordState).TTL ?? 0))
    if (changes.length > 0 && longest > p.ttl) {
      notes.push({ level: 'info', message: `a DNS switch after this step waits ${longest} s after INSYNC (the largest previous TTL)` })
    }
    return notes
  },

  /** The facts apply journals, the change taken as INSYNC at once (the earliest it can be). */
  planned(ctx: StepContext, _p: Route53TtlParams, changes: Change[]): PlannedEffects {
    const at = ctx.clock.now()
    return { facts: changes.map((c) => ({ kind: 'route53.ttl-lowered', data: loweredFact(parseKey(c.key).zoneId, c, at) })) }
  },

  async apply(ctx: ApplyContext, _p: Route53TtlParams, changes: Change[]): Promise<void> {
    await writeChanges(ctx, changes, 'apply', true)
  },

  /**
   * After a crash between the TTL change and its facts, the lower TTL is live but nothing says
   * since when. UPSERT the same record sets again: Route 53 applies a zone's changes in order, so
   * the new change's INSYNC time is a safe (late) start for the TTL gate.
   */
  async settle(ctx: ApplyContext, _p: Route53TtlParams, unfinished: Change[]): Promise<void> {
    const known = new Set(
      ctx.facts('route53.ttl-lowered').filter((f) => f.step === ctx.stepId)
        .map((f) => recordKey(String(f.data.zoneId), { Name: String(f.data.name), Type: String(f.data.type), SetIdentifier: f.data.setIdentifier as string | undefined })),
    )
    const missing = unfinished.filter((c) => !known.has(c.key) && c.after !== null)
    if (missing.length > 0) await writeChanges(ctx, missing, 'apply', true)
  },

  async applyRestore(ctx: ApplyContext, _p: Route53TtlParams, changes: Change[]): Promise<void> {
    await writeChanges(ctx, changes, 'restore', false)
  },

  inverse: (p) => ({ type: TYPE, with: p }),
}

async function writeChanges(ctx: ApplyContext, changes: Change[], phase: 'apply' | 'restore', journalFacts: boolean): Promise<void> {
  const byZone = new Map<string, Change[]>()
  for (const c of changes) byZone.set(parseKey(c.key).zoneId, [...(byZone.get(parseKey(c.key).zoneId) ?? []), c])
  for (const [zoneId, zoneChanges] of byZone) {
    const byKey = new Map(zoneChanges.map((c) => [c.key, c]))
    await submitChanges(ctx, TYPE, phase, zoneId, zoneChanges.map(toRoute53Change), { onInsync: async (batch) => {
      if (!journalFacts) return
      for (const key of batch.keys) await ctx.fact('route53.ttl-lowered', loweredFact(zoneId, byKey.get(key)!, batch.insyncAt))
    } })
  }
}

/** The fact a later DNS switch measures its TTL gate from. */
function loweredFact(zoneId: string, c: Change, insyncAt: number): Record<string, unknown> {
  const before = c.before as RecordState
  const after = c.after as RecordState
  return {
    zoneId,
    name: before.Name,
    type: before.Type,
    ...(before.SetIdentifier ? { setIdentifier: before.SetIdentifier } : {}),
    previousTtl: before.TTL ?? 0,
    ttl: after.TTL,
    insyncAt,
  }
}
