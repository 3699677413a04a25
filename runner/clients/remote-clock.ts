/**
 * The clock of a sandbox running in another process (`playbook sandbox serve`), through its
 * control API: `now()` is the local time plus the offset read from `GET /_sandbox/clock`;
 * `sleep(ms)` advances the sandbox (`POST /_sandbox/clock/advance`) and returns at once, so waits
 * stay virtual and are reported as such.
 */
import type { Clock } from '../clock.js'
import { httpFetch, type HttpFetch, type HttpInit } from './http.js'

export class RemoteClockError extends Error {
  constructor(url: string, cause: unknown) {
    super(`cannot reach the sandbox clock at ${url}: ${(cause as Error)?.message ?? cause}; is \`playbook sandbox serve\` running, and PLAYBOOK_SANDBOX_URL current?`, { cause })
  }
}

export async function createRemoteClock(baseUrl: string, fetchFn: HttpFetch = httpFetch): Promise<Clock> {
  const url = baseUrl.replace(/\/+$/, '')
  const call = async (path: string, init?: HttpInit): Promise<number> => {
    try {
      const res = await fetchFn(`${url}/_sandbox/${path}`, init)
      if (!res.ok) throw new Error(`HTTP ${res.status} ${await res.text()}`)
      const body = (await res.json()) as { now?: unknown }
      if (typeof body.now !== 'number') throw new Error('response has no numeric `now`')
      return body.now
    } catch (e) {
      throw new RemoteClockError(url, e)
    }
  }
  let offset = (await call('clock')) - Date.now()
  return {
    virtual: true,
    now: () => Date.now() + offset,
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason
      const now = await call('clock/advance', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ms }),
        signal,
      })
      offset = now - Date.now()
    },
  }
}
