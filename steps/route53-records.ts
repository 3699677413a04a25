/**
 * `route53.records`: set record sets of one hosted zone to new values or alias targets, all in one
 * atomic ChangeBatch (split only past Route 53's limits), after the TTL gate, then wait for INSYNC
 * and read the records back. Weighted mode shifts weight from one set to another in stages with a
 * gate between stages.
 */
import type { ApplyContext, Change, Note, Observed, PlannedEffects, StepContext, StepType } from '../runner/contract.js'
import { sameState } from '../runner/canonical.js'
import { submitChanges, toRoute53Change } from './route53/batch.js'
import { recordChanges, specKeys } from './route53/desired.js'
import { closestSets, describeRecord, parseKey, recordKey, type RecordState } from './route53/names.js'
import { route53RecordsParams, type Route53RecordsParams } from './route53/records-params.js'
import { formatGate, ttlGate } from './route53/ttl-gate.js'
import { applyStages, settleStages } from './route53/stages.js'
import { writeAndVerify } from './route53/verify.js'
import { listRecordSets, resolveZone, type ZoneInfo } from './route53/zone.js'
import { StepError } from './step-error.js'

const TYPE = 'route53.records'

export class WeightedSetMissing extends StepError {}
export class RecordSetMissing extends StepError {}
export class ShareThresholdExceeded extends StepError {}
export class TtlGateRefused extends StepError {}
export { ReadBackMismatch } from './route53/verify.js'

/** Zone size seen by observe, for the plan's threshold note (best effort: notes stay pure). */
const zoneOf = new WeakMap<Observed, ZoneInfo>()
/**
 * The zone each observed record state was listed from. Changes carry those same objects as
 * `before`, so apply finds the zone size observe already had without reading the zone again
 * (diff stays pure; a change with no observed before falls back to GetHostedZone).
 */
const zoneOfState = new WeakMap<object, ZoneInfo>()

export const route53Records: StepType<Route53RecordsParams> = {
  type: TYPE,
  description:
    'Set record sets of one Route 53 hosted zone to new values or alias targets in one atomic change batch, not before the ' +
    'TTL lowered earlier in the run has run out, then wait for INSYNC and read them back. Weighted mode shifts weight from ' +
    'one set identifier to another in stages (e.g. 10, 50, 100%) with an HTTP or approval gate between stages; a failed ' +
    'gate rolls the records back. Refuses to change more than maxShare of the zone without --force. A record set that does not ' +
    'exist is refused at plan time (with the closest existing names) unless it says create: true; the weighted `to` set is the ' +
    'one exception, the shift creates it.',
  params: route53RecordsParams,
  // The one type that recreates: a record set is wholly its journaled state, and a switched name
  // that no longer resolves is an outage the rollback exists to end.
  recreatesVanished:
    'a record set is fully described by its journaled before-state (name, type, TTL, values or alias, weight, set identifier), ' +
    'and the rollback exists to send this name back to its old targets; without it the name does not resolve',
  itemStates: 'route53.record-set',

  async observe(ctx: StepContext, p: Route53RecordsParams, keys?: string[]): Promise<Observed> {
    const zone = await resolveZone(ctx, TYPE, p.zone)
    const byKey = new Map((await listRecordSets(ctx, zone.id)).map((rs) => [recordKey(zone.id, rs), rs]))
    const out: Observed = {}
    const wanted = keys ?? specKeys(p, zone.id).flatMap((s) => (s.fromKey ? [s.fromKey, s.key] : [s.key]))
    for (const k of wanted) out[k] = byKey.get(k) ?? null
    if (!keys && p.weighted) {
      const missing = specKeys(p, zone.id).filter((s) => !out[s.fromKey!]).map((s) => `${s.name} ${s.spec.type} [${p.weighted!.from}]`)
      if (missing.length > 0) {
        throw new WeightedSetMissing(TYPE, 'observe', `weighted.from set not found: ${missing.join(', ')}`,
          'Name the SetIdentifier of the existing weighted record in weighted.from')
      }
    }
    if (!keys) refuseMissing(p, zone, out, [...byKey.values()])
    zoneOf.set(out, zone)
    for (const state of Object.values(out)) if (state) zoneOfState.set(state, zone)
    return out
  },

  diff: (p, now) => recordChanges(p, now),

  notes(ctx: StepContext, p: Route53RecordsParams, now: Observed, changes: Change[]): Note[] {
    const notes: Note[] = []
    const gate = ttlGate(ctx.facts('route53.ttl-lowered'), changes.map((c) => c.key))
    if (gate && changes.length > 0) {
      const when = formatGate(gate.notBefore, ctx.clock.now())
      notes.push({ level: gate.notBefore > ctx.clock.now() && p.ttlGate === 'refuse' ? 'warn' : 'info', message: `switch not before ${when} (previous TTL ${gate.previousTtl} s of ${gate.records.join(', ')})` })
      if (ctx.options.skipTtlWait) notes.push({ level: 'warn', message: '--skip-ttl-wait: resolvers may keep answering with the old targets until then' })
    } else if (changes.length > 0) {
      // No TTL lowering journaled or planned before this step: the run does not wait.
      const longest = Math.max(...changes.map((c) => (c.before as RecordState | null)?.TTL ?? 0))
      if (longest > 0) notes.push({ level: 'info', message: `no TTL lowering earlier in this run: switched without a TTL wait; resolvers may keep the old answers up to ${longest} s` })
    }
    const zone = zoneOf.get(now)
    const share = zone ? changedSets(changes) / Math.max(1, zone.recordSetCount) : 0
    if (share > p.maxShare) {
      notes.push({ level: 'warn', message: `changes ${Math.round(share * 100)}% of zone ${zone!.name} (threshold ${Math.round(p.maxShare * 100)}%)${ctx.options.force ? '; --force given' : ': refused without --force'}` })
    }
    if (p.weighted && changes.length > 0) notes.push({ level: 'info', message: `weighted shift ${p.weighted.from} -> ${p.weighted.to} in stages ${p.weighted.stages.join(', ')}%` })
    return notes
  },

  /** The TTL gate's wait, when apply would wait it out. */
  planned(ctx: StepContext, p: Route53RecordsParams, changes: Change[]): PlannedEffects {
    const gate = ttlGate(ctx.facts('route53.ttl-lowered'), changes.map((c) => c.key))
    const waits = gate !== null && p.ttlGate === 'wait' && !ctx.options.skipTtlWait
    return waits ? { waitMs: Math.max(0, gate.notBefore - ctx.clock.now()) } : {}
  },

  async apply(ctx: ApplyContext, p: Route53RecordsParams, changes: Change[]): Promise<void> {
    if (changes.length === 0) return
    const zoneId = parseKey(changes[0].key).zoneId
    const seen = changes.map((c) => (c.before ? zoneOfState.get(c.before) : undefined)).find((z) => z?.id === zoneId)
    const zone = seen ?? (await resolveZone(ctx, TYPE, zoneId))
    const share = changedSets(changes) / Math.max(1, zone.recordSetCount)
    if (share > p.maxShare && !ctx.options.force) {
      throw new ShareThresholdExceeded(TYPE, 'apply', `${changedSets(changes)} of ${zone.recordSetCount} record sets of ${zone.name} (${Math.round(share * 100)}%) would change, more than maxShare ${p.maxShare}`,
        'Check the records list; if it is meant, raise maxShare or pass --force')
    }
    await passTtlGate(ctx, p, changes)
    if (p.weighted) await applyStages(ctx, TYPE, p, zoneId, changes)
    else await writeAndVerify(ctx, TYPE, 'apply', zoneId, changes.map((c) => ({ key: c.key, after: c.after as RecordState | null, before: c.before })))
  },

  /**
   * After a crash between a batch and its INSYNC (nothing left to change, but not seen through):
   * weighted mode finishes its last stage from the journal; otherwise the journaled record sets are
   * sent again (Route 53 applies a zone's changes in order, so that INSYNC covers the earlier
   * change) and read back.
   */
  async settle(ctx: ApplyContext, p: Route53RecordsParams, unfinished: Change[]): Promise<void> {
    if (p.weighted) return settleStages(ctx, TYPE, p, unfinished)
    await writeByZone(ctx, 'apply', unfinished)
  },

  async applyRestore(ctx: ApplyContext, _p: Route53RecordsParams, changes: Change[]): Promise<void> {
    await writeByZone(ctx, 'restore', changes)
  },

  inverse: (p) => ({ type: TYPE, with: p }),
}

/**
 * Forward mode: every record set the params name must exist unless it says `create: true` (a
 * typo must not create a record while the real one keeps its old target). The weighted `to` set
 * is the exception: the shift creates it. Restore mode never comes here: it writes journaled states.
 */
function refuseMissing(p: Route53RecordsParams, zone: ZoneInfo, out: Observed, sets: RecordState[]): void {
  const missing = specKeys(p, zone.id).filter((s) => !s.fromKey && !s.spec.create && !out[s.key])
  if (missing.length === 0) return
  const lines = missing.map((s) => {
    const wanted = describeRecord({ Name: s.name, Type: s.spec.type, SetIdentifier: s.spec.setIdentifier })
    const closest = closestSets(s.name, s.spec.type, sets)
    return `${wanted} does not exist in zone ${zone.name}${closest.length > 0 ? ` (closest: ${closest.join(', ')})` : ''}`
  })
  throw new RecordSetMissing(TYPE, 'observe', lines.join('; '),
    'Fix the name, type or setIdentifier; if the record set is meant to be new, add `create: true` to it')
}

/** Distinct name/type pairs changed (the two sets of a weighted pair count once). */
function changedSets(changes: Change[]): number {
  return new Set(changes.map((c) => { const k = parseKey(c.key); return `${k.name} ${k.type}` })).size
}

async function passTtlGate(ctx: ApplyContext, p: Route53RecordsParams, changes: Change[]): Promise<void> {
  const gate = ttlGate(ctx.facts('route53.ttl-lowered'), changes.map((c) => c.key))
  const now = ctx.clock.now()
  if (!gate || gate.notBefore <= now) return
  const when = formatGate(gate.notBefore, now)
  if (ctx.options.skipTtlWait) {
    ctx.log(`WARNING --skip-ttl-wait: switching before the previous TTL ran out (${when}); resolvers may keep answering with the old targets until then`)
    return
  }
  if (p.ttlGate === 'refuse') {
    throw new TtlGateRefused(TYPE, 'apply', `switch not before ${when}: the previous TTL of ${gate.records.join(', ')} has not run out since it was lowered`,
      'Run again after that time, set ttlGate: wait, or pass --skip-ttl-wait (resolvers may serve the old targets until then)')
  }
  await ctx.wait(gate.notBefore - now, `TTL gate: previous TTL of ${gate.records.join(', ')} runs out at ${when}`)
}

async function writeByZone(ctx: ApplyContext, phase: 'apply' | 'restore', changes: Change[]): Promise<void> {
  const byZone = new Map<string, Change[]>()
  for (const c of changes) byZone.set(parseKey(c.key).zoneId, [...(byZone.get(parseKey(c.key).zoneId) ?? []), c])
  for (const [zoneId, cs] of byZone) await writeAndVerify(ctx, TYPE, phase, zoneId, cs.map((c) => ({ key: c.key, before: c.before, after: c.after as RecordState | null })))
}
