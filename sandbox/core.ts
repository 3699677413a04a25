/**
 * The sandbox's state holder: the estate (swapped whole on reset), its virtual time and its
 * settings, as handlers and controllers see them through {@link SandboxCore}.
 */
import type { Estate } from './estate.js'
import { VirtualClock } from './clock.js'
import { defaultSandboxConfig, type Controller, type SandboxConfig, type SandboxCore } from './types.js'

export class Core implements SandboxCore {
  private current: Estate
  readonly config: SandboxConfig
  readonly time: VirtualClock

  constructor(estate: Estate, config: Partial<SandboxConfig>, controllers: () => readonly Controller[]) {
    this.current = structuredClone(estate)
    this.config = { ...defaultSandboxConfig, ...config }
    this.time = new VirtualClock(Date.parse(estate.now), controllers, () => this, this.config.flow)
  }

  get estate(): Estate {
    return this.current
  }

  nextResourceVersion(): string {
    this.current.kubernetes.resourceVersion += 1
    return String(this.current.kubernetes.resourceVersion)
  }

  /** Replace the whole estate (a deep copy of `estate`) and move the clock to its `now`. */
  replace(estate: Estate): void {
    this.current = structuredClone(estate)
    this.time.set(Date.parse(estate.now))
  }

  /** A deep copy of the estate with `now` set to the current virtual time (what state.json holds). */
  snapshot(): Estate {
    return { ...structuredClone(this.current), now: new Date(this.time.now()).toISOString() }
  }
}
