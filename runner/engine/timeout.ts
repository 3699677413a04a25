/** Runs one phase of a step under the step's timeout, via an AbortSignal the step also gets. */
import { StepTimeout } from '../errors.js'

export async function withTimeout<T>(step: string, ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new StepTimeout(step, ms)
      ac.abort(err)
      reject(err)
    }, ms)
  })
  try {
    // A step that ignores its signal still stops being waited for.
    return await Promise.race([fn(ac.signal), expired])
  } finally {
    clearTimeout(timer)
  }
}
