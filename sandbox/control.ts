/**
 * The sandbox's own control API under `/_sandbox/` (JSON in, JSON out):
 * `GET clock` → `{now, iso}`; `POST clock/advance {ms}` → `{now, iso}`; `GET dump[?ledger=1]`;
 * `POST reset` (optional estate body; empty: the seed estate) → `{now, iso}`;
 * `GET faults`, `POST faults` (a FaultRule), `DELETE faults`; `GET calls` → CallRecord[];
 * `GET prometheus` → `{values}`; `POST prometheus {query, value}` sets what `/api/v1/query` answers
 * for that query (`value: null` clears it). Only `reset` and `prometheus` count as mutating in the calls log: the others change no estate object.
 */
import type { Estate } from './estate.js'
import { parseFaultRule, InvalidFaultRule, type FaultBook } from './faults.js'
import type { CallRecord, Operation, SandboxRequest, SandboxResponse, VirtualTime } from './types.js'

export const CONTROL_PREFIX = '/_sandbox/'

/** What the control API acts on (implemented by the running sandbox). */
export interface ControlTarget {
  readonly time: VirtualTime
  readonly faults: FaultBook
  calls(): CallRecord[]
  dump(opts: { ledger?: boolean }): unknown
  reset(estate?: Estate): void
  /** The values `/api/v1/query` answers, by query. */
  queryValues(): Record<string, number>
  setQueryValue(query: string, value: number | null): void
}

type Route = { method: string; path: string; op: Operation; run(t: ControlTarget, req: SandboxRequest): unknown }

const clockBody = (t: ControlTarget) => ({ now: t.time.now(), iso: new Date(t.time.now()).toISOString() })

function json(req: SandboxRequest): Record<string, unknown> | undefined {
  const text = req.body.toString('utf8').trim()
  return text ? (JSON.parse(text) as Record<string, unknown>) : undefined
}

const routes: Route[] = [
  { method: 'GET', path: 'clock', op: { name: 'GetClock', mutating: false }, run: clockBody },
  {
    method: 'POST',
    path: 'clock/advance',
    op: { name: 'AdvanceClock', mutating: false },
    run(t, req) {
      const ms = Number(json(req)?.ms)
      if (!Number.isFinite(ms) || ms < 0) throw new BadControlRequest('clock/advance needs {"ms": <non-negative number>}')
      t.time.advance(ms)
      return clockBody(t)
    },
  },
  { method: 'GET', path: 'dump', op: { name: 'Dump', mutating: false }, run: (t, req) => t.dump({ ledger: ['1', 'true'].includes(req.url.searchParams.get('ledger') ?? '') }) },
  {
    method: 'POST',
    path: 'reset',
    op: { name: 'Reset', mutating: true },
    run(t, req) {
      const body = json(req)
      t.reset(body && Object.keys(body).length ? (body as unknown as Estate) : undefined)
      return clockBody(t)
    },
  },
  { method: 'GET', path: 'faults', op: { name: 'ListFaults', mutating: false }, run: (t) => t.faults.list() },
  {
    method: 'POST',
    path: 'faults',
    op: { name: 'AddFault', mutating: false },
    run(t, req) {
      t.faults.add(parseFaultRule(json(req)))
      return { faults: t.faults.list() }
    },
  },
  { method: 'DELETE', path: 'faults', op: { name: 'ClearFaults', mutating: false }, run: (t) => (t.faults.clear(), { faults: [] }) },
  { method: 'GET', path: 'prometheus', op: { name: 'GetQueryValues', mutating: false }, run: (t) => ({ values: t.queryValues() }) },
  {
    method: 'POST',
    path: 'prometheus',
    op: { name: 'SetQueryValue', mutating: true },
    run(t, req) {
      const body = json(req)
      const query = body?.query
      const value = body?.value === null ? null : Number(body?.value)
      if (typeof query !== 'string' || query.trim() === '' || (value !== null && Number.isNaN(value) && body?.value !== 'NaN')) {
        throw new BadControlRequest('prometheus needs {"query": "<PromQL text>", "value": <number or null>}')
      }
      t.setQueryValue(query, value)
      return { values: t.queryValues() }
    },
  },
  { method: 'GET', path: 'calls', op: { name: 'GetCalls', mutating: false }, run: (t) => t.calls() },
]

class BadControlRequest extends Error {}

export function identifyControl(req: SandboxRequest): Operation {
  const path = req.url.pathname.slice(CONTROL_PREFIX.length).replace(/\/$/, '')
  return routes.find((r) => r.method === req.method && r.path === path)?.op ?? { name: 'Unknown', mutating: false }
}

export function handleControl(req: SandboxRequest, target: ControlTarget): SandboxResponse {
  const path = req.url.pathname.slice(CONTROL_PREFIX.length).replace(/\/$/, '')
  const route = routes.find((r) => r.method === req.method && r.path === path)
  const headers = { 'content-type': 'application/json' }
  if (!route) {
    const known = routes.map((r) => `${r.method} ${CONTROL_PREFIX}${r.path}`).join(', ')
    return { status: 404, headers, body: JSON.stringify({ message: `no control route ${req.method} ${req.url.pathname}; known: ${known}` }) }
  }
  try {
    return { status: 200, headers, body: JSON.stringify(route.run(target, req)) }
  } catch (err) {
    const bad = err instanceof BadControlRequest || err instanceof InvalidFaultRule || err instanceof SyntaxError
    return { status: bad ? 400 : 500, headers, body: JSON.stringify({ message: (err as Error).message }) }
  }
}
