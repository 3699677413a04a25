/**
 * Worlds of the test-only `test.memory` step type: a key/value store the step observes and
 * writes, reached through the step context like any client (so plan mode hands out a read-only
 * one). Two kinds, named in the step's `world` param:
 * - `mem:<id>`: an in-process store registered by a test with {@link registerMemoryWorld};
 * - `file:<path>`: a JSON file `{state, killAt?, failAt?}` shared across processes, so a test can
 *   spawn the CLI, have it killed at an item, rerun it and compare the file with the initial one.
 *   `killAt` fires once (it is removed from the file just before the kill).
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs'

export type KillPoint = { step?: string; key: string; when: 'before' | 'after' }
export type WorldFile = { state: Record<string, unknown>; killAt?: KillPoint; failAt?: string; writes?: number }

export interface TestWorld {
  /** The current value of every key. */
  read(): Record<string, unknown>
  /** Set a key (null deletes). Throws {@link ReadOnlyViolation} in a read-only world. */
  set(key: string, value: unknown): void
  /** Kill point: the process is killed here when the world's `killAt` matches. */
  checkpoint(step: string, key: string, when: 'before' | 'after'): void
  /** A key at which writes fail (from the world file), if any. */
  readonly failAt?: string
}

export interface TestWorlds {
  open(ref: string): TestWorld
}

export class ReadOnlyViolation extends Error {
  constructor(what: string) {
    super(`read-only context: refused to write ${what} (plan and dry-run never change anything)`)
  }
}

export type MemoryWorld = { state: Record<string, unknown>; writes: number; killAt?: KillPoint; failAt?: string }
const memoryWorlds = new Map<string, MemoryWorld>()

/** Register (or replace) an in-process world; returns the live object for assertions. */
export function registerMemoryWorld(id: string, state: Record<string, unknown>): MemoryWorld {
  const w: MemoryWorld = { state: structuredClone(state), writes: 0 }
  memoryWorlds.set(id, w)
  return w
}

export function createTestWorlds(opts: { readOnly: boolean; kill?: () => void }): TestWorlds {
  const kill = opts.kill ?? (() => process.kill(process.pid, 'SIGKILL'))
  return {
    open(ref) {
      if (ref.startsWith('mem:')) return memWorld(ref.slice(4), opts.readOnly, kill)
      if (ref.startsWith('file:')) return fileWorld(ref.slice(5), opts.readOnly, kill)
      throw new Error(`unknown test world ${JSON.stringify(ref)}: use mem:<id> or file:<path>`)
    },
  }
}

function matches(k: KillPoint | undefined, step: string, key: string, when: string): boolean {
  return !!k && k.key === key && k.when === when && (k.step === undefined || k.step === step)
}

function memWorld(id: string, readOnly: boolean, kill: () => void): TestWorld {
  const w = memoryWorlds.get(id)
  if (!w) throw new Error(`no memory world ${id} registered`)
  return {
    failAt: w.failAt,
    read: () => structuredClone(w.state),
    set(key, value) {
      if (readOnly) throw new ReadOnlyViolation(`${key} in world mem:${id}`)
      if (value === null) delete w.state[key]
      else w.state[key] = structuredClone(value)
      w.writes++
    },
    checkpoint(step, key, when) {
      if (!matches(w.killAt, step, key, when)) return
      w.killAt = undefined
      kill()
    },
  }
}

function fileWorld(path: string, readOnly: boolean, kill: () => void): TestWorld {
  const load = (): WorldFile => JSON.parse(readFileSync(path, 'utf8')) as WorldFile
  const save = (data: WorldFile) => {
    writeFileSync(`${path}.tmp`, JSON.stringify(data, null, 2))
    renameSync(`${path}.tmp`, path)
  }
  return {
    failAt: load().failAt,
    read: () => load().state,
    set(key, value) {
      if (readOnly) throw new ReadOnlyViolation(`${key} in world file:${path}`)
      const data = load()
      if (value === null) delete data.state[key]
      else data.state[key] = value
      data.writes = (data.writes ?? 0) + 1
      save(data)
    },
    checkpoint(step, key, when) {
      const data = load()
      if (!matches(data.killAt, step, key, when)) return
      delete data.killAt
      save(data)
      kill()
    },
  }
}
