/** Params of `route53.records`. */
import * as z from 'zod'
import { gateSchema, gatesSchema } from '../../runner/gates/schema.js'
import { durationSchema } from '../../runner/playbook/schema.js'

const recordType = z.string().regex(/^[A-Z0-9]+$/, 'type is an upper-case record type, e.g. CNAME or A')

export const recordSpec = z
  .object({
    name: z.string({ error: 'expected a record name (orders, or orders.example.com.)' }).min(1),
    type: recordType,
    values: z.array(z.string().min(1)).min(1, 'values must list at least one value').optional(),
    alias: z
      .object({
        dnsName: z.string({ error: 'expected the target DNS name (a load balancer)' }).min(1),
        hostedZoneId: z.string({ error: "alias.hostedZoneId: expected the target's hosted zone id (e.g. Z35SXDOTRQ7X7K)" }).min(1),
        evaluateTargetHealth: z.boolean().default(false),
      })
      .strict()
      .optional(),
    ttl: z.number().int('ttl must be whole seconds').min(0).optional(),
    setIdentifier: z.string().min(1).optional(),
    weight: z.number().int().min(0).max(255).optional(),
    create: z.boolean().default(false).describe('create the record set if it does not exist (otherwise a missing one is refused)'),
  })
  .strict()
  .refine((r) => (r.values ? 1 : 0) + (r.alias ? 1 : 0) === 1, 'give either values or alias for each record')
  .refine((r) => !(r.alias && r.ttl !== undefined), 'alias records have no TTL of their own: drop ttl')

export const weightedSpec = z
  .object({
    from: z.string({ error: 'the SetIdentifier of the current record set' }).min(1),
    to: z.string({ error: 'the SetIdentifier of the new record set' }).min(1),
    stages: z
      .array(z.number().int().min(1).max(100))
      .min(1)
      .default([10, 50, 100])
      .refine((s) => s.every((x, i) => i === 0 || x > s[i - 1]) && s[s.length - 1] === 100, 'stages must rise and end at 100'),
    /** One gate (the older form); `gates` lists several that must all pass. */
    gate: gateSchema.optional(),
    gates: gatesSchema.optional(),
    bake: durationSchema.optional().describe('after the last stage, keep watching the gates this long; a failure rolls back'),
  })
  .strict()
  .refine((w) => w.from !== w.to, 'weighted.from and weighted.to must differ')
  .refine((w) => !(w.gate && w.gates), 'give gate or gates, not both')
  .refine((w) => !w.bake || [...(w.gates ?? []), ...(w.gate ? [w.gate] : [])].some((g) => !('approval' in g)), 'bake watches the signal gates (http, alarms, prometheus): add one')

export const route53RecordsParams = z
  .object({
    zone: z.string({ error: 'give the hosted zone name (example.com) or id (Z0123...)' }).min(1),
    records: z.array(recordSpec, { error: 'expected a list of records to set' }).min(1, 'records must list at least one record'),
    ttlGate: z.enum(['wait', 'refuse'], { error: 'wait or refuse' }).default('wait'),
    maxShare: z.number().gt(0).max(1, 'maxShare is a fraction of the zone, at most 1').default(0.3),
    weighted: weightedSpec.optional(),
  })
  .strict()
  .refine((p) => p.zone.includes('.') || p.records.every((r) => r.name.endsWith('.')), {
    message: 'with a zone id, record names must be fully qualified (ending in a dot)',
    path: ['records'],
  })
  .refine((p) => !p.weighted || p.records.every((r) => r.weight === undefined), {
    message: 'in weighted mode the stages set the weights: drop weight from records',
    path: ['records'],
  })

export type Route53RecordsParams = z.infer<typeof route53RecordsParams>
export type RecordSpec = z.infer<typeof recordSpec>
