/**
 * Time as the runner and steps see it. The real clock sleeps; the sandbox's virtual clock
 * advances at once (a one-hour TTL wait passes instantly but is reported as one hour).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Wait `ms` (virtual clocks advance instead). Rejects if `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** True when waits are virtual (reported as such). */
  readonly virtual: boolean
}

export const systemClock: Clock = {
  now: () => Date.now(),
  virtual: false,
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = () => {
        clearTimeout(timer)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
}
