/**
 * A Prometheus-compatible instant query endpoint, `GET|POST /api/v1/query` (`query`, optional
 * `time`), answering in the HTTP API's shape: `{"status":"success","data":{"resultType":"vector",
 * "result":[{"metric":{},"value":[<unix seconds>,"<value>"]}]}}`. It evaluates no PromQL: the
 * answer is the value set for that exact query text (trimmed) through the control API
 * (`POST /_sandbox/prometheus {"query": ..., "value": ...}`), and an empty vector when none is set,
 * as Prometheus answers for a query that matches no series.
 */
import type { Estate } from './estate.js'
import type { InjectedError, SandboxRequest, SandboxResponse, ServiceHandler } from './types.js'

const PATH = '/api/v1/query'

/** The values set per query (created on first use in estates saved before they existed). */
export function queryValues(estate: Estate): Record<string, number> {
  estate.prometheus ??= { values: {} }
  return estate.prometheus.values
}

/** Set (or with `null` clear) the value `query` answers. */
export function setQueryValue(estate: Estate, query: string, value: number | null): void {
  const values = queryValues(estate)
  if (value === null) delete values[query.trim()]
  else values[query.trim()] = value
}

function params(req: SandboxRequest): URLSearchParams {
  const out = new URLSearchParams(req.url.search)
  const type = String(req.headers['content-type'] ?? '')
  if (req.method === 'POST' && type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) out.append(k, v)
  }
  return out
}

const answer = (status: number, body: unknown): SandboxResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

const badData = (error: string) => answer(400, { status: 'error', errorType: 'bad_data', error })

/** Prometheus formats sample values as Go's strconv 'f' -1 does, with NaN and +Inf/-Inf spelt so. */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf'
  return String(v)
}

export const prometheusHandler: ServiceHandler = {
  service: 'prometheus',
  matches: (req) => req.url.pathname === PATH && (req.method === 'GET' || req.method === 'POST'),
  identify: () => ({ name: 'Query', mutating: false }),
  handle(req, _op, sb) {
    const p = params(req)
    const query = p.get('query')
    if (query === null || query.trim() === '') return badData('invalid parameter "query": unknown position: parse error: no expression found in input')
    const time = p.get('time')
    const at = time === null ? sb.time.now() / 1000 : Number(time)
    if (!Number.isFinite(at)) return badData(`invalid parameter "time": cannot parse "${time}" to a valid timestamp`)
    const value = queryValues(sb.estate)[query.trim()]
    const result = value === undefined ? [] : [{ metric: {}, value: [at, formatValue(value)] }]
    return answer(200, { status: 'success', data: { resultType: 'vector', result } })
  },
  errorFor(error: InjectedError) {
    if (error === 'Throttling' || error === 'PriorRequestNotComplete') return answer(503, { status: 'error', errorType: 'unavailable', error: 'too many requests' })
    return answer(error === 'Conflict' ? 422 : 500, { status: 'error', errorType: 'internal', error: 'internal error' })
  },
}
