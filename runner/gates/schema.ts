/**
 * Gates as a playbook writes them: a list that must all pass, used by every staged step between
 * stages and during `bake`. Each entry is one signal:
 *
 * ```yaml
 * gates:
 *   - approval: Is the website healthy on EKS?
 *   - http: { url: https://www.example.com/healthz, headers: { Authorization: "Bearer ${{ secrets.TOKEN }}" } }
 *   - alarms: { names: [prod-website-5xx] }          # or { prefix: prod-website- }
 *     for: 2m
 *     every: 15s
 *   - prometheus: { url: http://prometheus:9090, query: 'sum(rate(...))', below: 0.01, token: "${{ secrets.PROM_TOKEN }}" }
 *     for: 5m
 * ```
 *
 * `for` is how long the signal must hold (sampled at the start and every `every` until `for` has
 * passed; default: one sample), `every` the sampling interval (default 15s).
 */
import * as z from 'zod'
import { durationSchema } from '../playbook/schema.js'

const watch = {
  for: durationSchema.optional().describe('how long the signal must hold, sampled every `every` (default: one sample)'),
  every: durationSchema.optional().describe('sampling interval within `for` (default 15s)'),
}

const httpGate = z
  .object({
    url: z.url('http.url must be a URL'),
    /** Request headers; credentials come from the environment: `Authorization: "Bearer ${{ secrets.GATE_TOKEN }}"`. */
    headers: z.record(z.string(), z.string()).optional(),
    expectStatus: z.number().int().min(100).max(599).default(200),
    times: z.number().int().min(1, 'http.times must be at least 1').default(3),
    intervalSeconds: z.number().min(0).default(10),
  })
  .strict()

const alarmsGate = z
  .object({
    names: z.array(z.string().min(1)).min(1).max(100, 'at most 100 alarm names (DescribeAlarms takes 100)').optional(),
    prefix: z.string().min(1).optional(),
  })
  .strict()
  .refine((a) => (a.names ? 1 : 0) + (a.prefix ? 1 : 0) === 1, 'give either alarms.names or alarms.prefix')

const prometheusGate = z
  .object({
    url: z.url('prometheus.url must be the base URL of the Prometheus HTTP API, e.g. http://prometheus:9090'),
    query: z.string().min(1, 'prometheus.query: an instant PromQL query giving one value'),
    below: z.number().optional(),
    above: z.number().optional(),
    /** Bearer token, from the environment: `token: "${{ secrets.PROM_TOKEN }}"`. */
    token: z.string().min(1).optional(),
  })
  .strict()
  .refine((p) => p.below !== undefined || p.above !== undefined, 'give prometheus.below or prometheus.above (the healthy side of the threshold)')

export const gateSchema = z.union([
  z.object({ approval: z.string().min(1) }).strict(),
  z.object({ http: httpGate, ...watch }).strict(),
  z.object({ alarms: alarmsGate, ...watch }).strict(),
  z.object({ prometheus: prometheusGate, ...watch }).strict(),
])

export const gatesSchema = z.array(gateSchema).min(1, 'gates must list at least one gate')

export type Gate = z.infer<typeof gateSchema>
export type HttpGate = z.infer<typeof httpGate>
export type AlarmsGate = z.infer<typeof alarmsGate>
export type PrometheusGate = z.infer<typeof prometheusGate>
/** A gate that samples a signal (everything but an approval). */
export type SignalGate = Exclude<Gate, { approval: string }>
