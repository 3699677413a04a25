/**
 * One sample of each signal a gate reads: an HTTP status, CloudWatch alarm states (DescribeAlarms
 * through the context's AWS clients), a Prometheus instant query (the HTTP API). A sample says
 * whether it passed and the value it saw, for the journal and the failure message.
 */
import type { AwsClients } from '../clients/aws-types.js'
import type { HttpFetch } from '../clients/http.js'
import type { AlarmsGate, HttpGate, PrometheusGate, SignalGate } from './schema.js'

export type Sample = { ok: boolean; value: string }

/** What sampling needs from the edge. */
export type SignalDeps = { aws: AwsClients; fetch: HttpFetch; signal: AbortSignal }

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e))

/** The signal's name in logs, journal and errors. */
export function signalLabel(g: SignalGate): string {
  if ('http' in g) return `http ${g.http.url}`
  if ('alarms' in g) return g.alarms.names ? `alarms ${g.alarms.names.join(', ')}` : `alarms ${g.alarms.prefix}*`
  return `prometheus ${g.prometheus.query}`
}

export async function sample(deps: SignalDeps, g: SignalGate): Promise<Sample> {
  if ('http' in g) return sampleHttp(deps, g.http)
  if ('alarms' in g) return sampleAlarms(deps, g.alarms)
  return samplePrometheus(deps, g.prometheus)
}

async function sampleHttp(deps: SignalDeps, h: HttpGate): Promise<Sample> {
  try {
    // Redirects are not followed: a 3xx is the status the gate sees.
    const res = await deps.fetch(h.url, { signal: deps.signal, ...(h.headers ? { headers: h.headers } : {}) })
    return { ok: res.status === h.expectStatus, value: `status ${res.status}${res.status === h.expectStatus ? '' : `, expected ${h.expectStatus}`}` }
  } catch (e) {
    return { ok: false, value: `no answer (${messageOf(e)})` }
  }
}

/** Passes when no matching alarm is in ALARM. Named alarms that do not exist fail it: a typo must not pass a gate. */
async function sampleAlarms(deps: SignalDeps, a: AlarmsGate): Promise<Sample> {
  const alarms: Array<{ AlarmName?: string; StateValue?: string; StateReason?: string }> = []
  let token: string | undefined
  do {
    const page = await deps.aws.cloudwatch.describeAlarms({
      ...(a.names ? { AlarmNames: a.names } : { AlarmNamePrefix: a.prefix }),
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      MaxRecords: 100,
      ...(token ? { NextToken: token } : {}),
    }, { abortSignal: deps.signal })
    alarms.push(...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? []))
    token = page.NextToken
  } while (token)
  const missing = (a.names ?? []).filter((n) => !alarms.some((x) => x.AlarmName === n))
  if (missing.length > 0) return { ok: false, value: `no such alarm: ${missing.join(', ')}` }
  if (alarms.length === 0) return { ok: false, value: `no alarm matches the prefix ${a.prefix}` }
  const firing = alarms.filter((x) => x.StateValue === 'ALARM')
  if (firing.length > 0) return { ok: false, value: firing.map((x) => `${x.AlarmName} is ALARM (${x.StateReason ?? 'no reason given'})`).join('; ') }
  return { ok: true, value: alarms.map((x) => `${x.AlarmName} ${x.StateValue}`).join(', ') }
}

type PromAnswer = { status?: string; error?: string; data?: { resultType?: string; result?: Array<{ value?: [number, string] }> | [number, string] } }

/** Passes when the query gives exactly one value on the healthy side of the threshold. */
async function samplePrometheus(deps: SignalDeps, p: PrometheusGate): Promise<Sample> {
  const url = new URL('api/v1/query', p.url.endsWith('/') ? p.url : `${p.url}/`)
  let answer: PromAnswer
  try {
    const res = await deps.fetch(url, {
      method: 'POST',
      signal: deps.signal,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(p.token ? { authorization: `Bearer ${p.token}` } : {}) },
      body: new URLSearchParams({ query: p.query }).toString(),
    })
    const text = await res.text()
    try {
      answer = JSON.parse(text) as PromAnswer
    } catch {
      return { ok: false, value: `HTTP ${res.status}, not a Prometheus answer` }
    }
    if (!res.ok || answer.status !== 'success') return { ok: false, value: `HTTP ${res.status}: ${answer.error ?? 'query failed'}` }
  } catch (e) {
    return { ok: false, value: `no answer (${messageOf(e)})` }
  }
  const data = answer.data
  const raw = data?.resultType === 'scalar' ? (data.result as [number, string])[1]
    : data?.resultType === 'vector' && Array.isArray(data.result) && data.result.length === 1 ? (data.result[0] as { value?: [number, string] }).value?.[1]
    : undefined
  if (raw === undefined) {
    const n = Array.isArray(data?.result) ? data!.result.length : 0
    return { ok: false, value: n === 0 ? 'no data (empty result)' : `${n} series, expected one value` }
  }
  const v = Number(raw)
  const ok = !Number.isNaN(v) && (p.below === undefined || v < p.below) && (p.above === undefined || v > p.above)
  const bound = [p.below !== undefined ? `below ${p.below}` : '', p.above !== undefined ? `above ${p.above}` : ''].filter(Boolean).join(' and ')
  return { ok, value: `${raw}${ok ? '' : `, expected ${bound}`}` }
}
