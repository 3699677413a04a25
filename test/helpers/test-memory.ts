/**
 * `test.memory`: a test-only step type that sets keys in a test world (runner/clients/
 * test-worlds.ts), reached through the context's `testWorlds`. It exists so every engine
 * guarantee (journal order, resume, rollback, drift, dry-run) is testable without a cloud.
 * Items are the world's keys; an item's state is the key's value (null: absent).
 * `failAt` makes apply throw at that key; the world's own `killAt`/`failAt` let a test kill or
 * fail a run from outside the playbook (the playbook file, hence its sha, stays the same).
 */
import { z } from 'zod'
import type { ApplyContext, Change, Observed, StepContext, StepType } from '../../runner/contract.js'
import type { TestWorld, TestWorlds } from '../../runner/clients/test-worlds.js'

const Params = z.object({
  world: z.string().regex(/^(mem|file):.+/, 'expected mem:<id> or file:<path>'),
  set: z.record(z.string(), z.unknown()),
  failAt: z.string().optional(),
})
export type TestMemoryParams = z.infer<typeof Params>

export class TestMemoryFailure extends Error {
  constructor(step: string, key: string) {
    super(`test.memory step ${step}: told to fail at item ${key}`)
  }
}

function world(ctx: StepContext, p: TestMemoryParams): TestWorld {
  const worlds = (ctx as StepContext & { testWorlds?: TestWorlds }).testWorlds
  if (!worlds) throw new Error(`step ${ctx.stepId}: this runner provides no test worlds`)
  return worlds.open(p.world)
}

async function write(ctx: ApplyContext, w: TestWorld, changes: Change[], failAt: string | undefined): Promise<void> {
  for (const c of changes) {
    w.checkpoint(ctx.stepId, c.key, 'before')
    if (c.key === failAt || c.key === w.failAt) throw new TestMemoryFailure(ctx.stepId, c.key)
    w.set(c.key, c.after)
    w.checkpoint(ctx.stepId, c.key, 'after')
    await ctx.applied([c.key])
  }
}

function make(type: string, irreversible?: string): StepType<TestMemoryParams> {
  return {
    type,
    description: 'Test only: sets keys in an in-memory or file-backed test world.',
    params: Params,
    irreversible,
    async observe(ctx, p, keys) {
      const state = world(ctx, p).read()
      const out: Observed = {}
      for (const k of keys ?? Object.keys(p.set)) out[k] = state[k] ?? null
      return out
    },
    diff(p, now) {
      const changes: Change[] = []
      for (const [key, after] of Object.entries(p.set)) {
        const before = now[key] ?? null
        if (JSON.stringify(before) === JSON.stringify(after ?? null)) continue
        changes.push({ key, before, after: after ?? null, summary: `${key}: ${JSON.stringify(before)} -> ${JSON.stringify(after ?? null)}` })
      }
      return changes
    },
    async apply(ctx, p, changes) {
      await write(ctx, world(ctx, p), changes, p.failAt)
    },
    async applyRestore(ctx, p, changes) {
      await write(ctx, world(ctx, p), changes, undefined)
    },
    // Restore mode writes journaled keys only, so the same params serve.
    inverse: (p) => ({ type, with: p }),
  }
}

export const testMemory = make('test.memory')
/** Same, declared irreversible: rollback stops at it unless --force. */
export const testMemoryIrreversible = make('test.memory.irreversible', 'test: this step declares it cannot be undone')
