/**
 * The sandbox's virtual time. Frozen unless advanced; in flow mode it also follows the real
 * clock (synced before each request). Advancing runs every controller event in (now, target]
 * in time order, so the estate at any instant is the same however time got there.
 */
import type { Clock } from '../runner/clock.js'
import type { Controller, SandboxCore, VirtualTime } from './types.js'

export class VirtualClock implements VirtualTime {
  private current: number
  private realBase = Date.now()
  private virtualBase: number

  constructor(
    start: number,
    private readonly controllers: () => readonly Controller[],
    private readonly core: () => SandboxCore,
    private readonly flow: boolean,
  ) {
    this.current = start
    this.virtualBase = start
  }

  now(): number {
    return this.current
  }

  /** Move time forward by `ms` (negative or zero: nothing), running due controller events. */
  advance(ms: number): void {
    if (!(ms > 0)) return
    this.runTo(this.current + ms)
    if (this.flow) this.rebase()
  }

  /** Flow mode: catch up with the real time elapsed since the last sync. */
  sync(): void {
    if (!this.flow) return
    const target = this.virtualBase + (Date.now() - this.realBase)
    if (target > this.current) this.runTo(target)
  }

  /** Set the time without running controllers (reset to a new estate). */
  set(t: number): void {
    this.current = t
    this.rebase()
  }

  private rebase(): void {
    this.realBase = Date.now()
    this.virtualBase = this.current
  }

  private runTo(target: number): void {
    const core = this.core()
    for (;;) {
      let next: number | null = null
      let due: Controller[] = []
      for (const c of this.controllers()) {
        const t = c.nextEventAfter(this.current, core)
        // The contract says strictly after; an event at or before now would never end the loop.
        if (t === null || t <= this.current || t > target) continue
        const at = t
        if (next === null || at < next) {
          next = at
          due = [c]
        } else if (at === next) due.push(c)
      }
      if (next === null) break
      this.current = next
      for (const c of due) c.runAt(this.current, core)
    }
    this.current = target
  }
}

/** The runner's {@link Clock} on top of virtual time: `sleep` advances, then yields once. */
export function virtualRunnerClock(time: VirtualTime): Clock {
  return {
    virtual: true,
    now: () => time.now(),
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason
      time.advance(ms)
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (signal?.aborted) throw signal.reason
    },
  }
}
