import type { Clock } from '../runner/clock.js'
import type { EngineEvent } from '../runner/events.js'
import { createTestWorlds } from '../runner/clients/test-worlds.js'
import { MemoryJournal } from '../runner/journal/journal.js'
import type { Journal } from '../runner/journal/journal.js'
import type { ClientFactories, EngineDeps, Playbook, ResolvedStep } from '../runner/engine/types.js'
import { testStepTypes as stepTypes } from './helpers/test-registry.js'

export function virtualClock(start = Date.UTC(2026, 2, 2, 1, 45)): Clock & { slept: number[] } {
  let now = start
  const slept: number[] = []
  return {
    virtual: true,
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms)
      now += ms
    },
  }
}

export function step(id: string, world: string, set: Record<string, unknown>, more: Partial<ResolvedStep> = {}): ResolvedStep {
  const { with: w, ...rest } = more
  const params = { world, set, ...(w ?? {}) }
  return { id, type: 'test.memory', with: params, params, when: true, timeoutMs: 60_000, onFailure: 'rollback', line: 1, ...rest }
}

export function playbook(steps: ResolvedStep[], more: Partial<Playbook> = {}): Playbook {
  return { name: 'demo', version: 1, vars: {}, defaults: { onFailure: 'rollback', timeoutMs: 60_000 }, steps, ...more }
}

export function deps(more: Partial<EngineDeps> & { journal?: Journal } = {}): EngineDeps & { events: EngineEvent[] } {
  const events: EngineEvent[] = []
  const d = {
    journal: new MemoryJournal(),
    clock: virtualClock(),
    registry: stepTypes,
    clients: { testWorlds: (o: { readOnly: boolean }) => createTestWorlds(o) },
    options: { force: false, skipTtlWait: false, yes: true, dryRun: false },
    prompt: async () => false,
    emit: (e: EngineEvent) => void events.push(e),
    source: { file: 'demo.yaml', sha256: 'abc' },
    ...more,
    events,
  }
  return d
}

/** Test worlds that call `onWrite(key)` just before each world write (to check write-ahead order). */
export function watchedWorlds(onWrite: (key: string) => void): NonNullable<ClientFactories['testWorlds']> {
  return (o) => {
    const worlds = createTestWorlds(o)
    return {
      open(ref) {
        const w = worlds.open(ref)
        return { ...w, read: w.read, checkpoint: w.checkpoint, set: (k: string, v: unknown) => (onWrite(k), w.set(k, v)) }
      },
    }
  }
}
