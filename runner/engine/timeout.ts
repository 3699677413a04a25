/**
 * Runs one step under its timeout and the run's interruption signal, via an AbortSignal the step
 * also gets. Whichever comes first aborts the step's signal and stops the wait for it.
 */
import { Interrupted, StepTimeout } from '../errors.js'

export async function withTimeout<T>(step: string, ms: number, fn: (signal: AbortSignal) => Promise<T>, interrupt?: AbortSignal): Promise<T> {
  const ac = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let onInterrupt: (() => void) | undefined
  const stopped = new Promise<never>((_, reject) => {
    const stop = (err: Error) => {
      ac.abort(err)
      reject(err)
    }
    timer = setTimeout(() => stop(new StepTimeout(step, ms)), ms)
    onInterrupt = () => stop(new Interrupted(step))
    if (interrupt?.aborted) onInterrupt()
    else interrupt?.addEventListener('abort', onInterrupt, { once: true })
  })
  stopped.catch(() => {})
  try {
    // A step that ignores its signal still stops being waited for.
    return await Promise.race([fn(ac.signal), stopped])
  } finally {
    clearTimeout(timer)
    if (onInterrupt) interrupt?.removeEventListener('abort', onInterrupt)
  }
}
