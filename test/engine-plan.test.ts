import { describe, expect, it } from 'vitest'
import type { StepType } from '../runner/contract.js'
import type { AwsClients } from '../runner/clients/aws-types.js'
import { ReadOnlyViolation, registerMemoryWorld } from '../runner/clients/test-worlds.js'
import { plan } from '../runner/engine/plan.js'
import { run } from '../runner/engine/execute.js'
import { testStepTypes as stepTypes } from './helpers/test-registry.js'
import { deps, playbook, step } from './engine-helpers.js'

/** test.memory wrapped so every call into the step is counted. */
function counting() {
  const calls = { observe: 0, diff: 0, apply: 0, applyRestore: 0 }
  const inner = stepTypes.get('test.memory')!
  const t: StepType = {
    ...inner,
    observe: (c, p, k) => (calls.observe++, inner.observe(c, p, k)),
    diff: (p, n) => (calls.diff++, inner.diff(p, n)),
    apply: (c, p, ch) => (calls.apply++, inner.apply(c, p, ch)),
    applyRestore: (c, p, ch) => (calls.applyRestore++, inner.applyRestore(c, p, ch)),
  }
  return { calls, registry: new Map([...stepTypes, ['test.memory', t]]) }
}

describe('plan and dry-run', () => {
  it('observe + diff every step, never apply, change nothing, journal nothing', async () => {
    const w = registerMemoryWorld('plan', { a: 1, b: 2 })
    const { calls, registry } = counting()
    const d = deps({ registry, options: { force: false, skipTtlWait: false, yes: true, dryRun: true } })
    const result = await plan(playbook([step('one', 'mem:plan', { a: 10 }), step('two', 'mem:plan', { b: null, c: 3 })]), d)
    expect(result.ok).toBe(true)
    expect(result.steps.map((s) => s.changes.map((c) => [c.key, c.before, c.after]))).toEqual([[['a', 1, 10]], [['b', 2, null], ['c', null, 3]]])
    expect(calls).toEqual({ observe: 2, diff: 2, apply: 0, applyRestore: 0 })
    expect(w).toMatchObject({ state: { a: 1, b: 2 }, writes: 0 })
    expect(await d.journal.runs()).toEqual([])
  })

  it('plans a later step as it would run after the earlier ones', async () => {
    registerMemoryWorld('overlay', { a: 1, b: 2 })
    const d = deps({ options: { force: false, skipTtlWait: false, yes: true, dryRun: true } })
    const result = await plan(playbook([step('one', 'mem:overlay', { a: 10 }), step('two', 'mem:overlay', { a: 10, b: 20 }), step('three', 'mem:overlay', { a: 11 })]), d)
    expect(result.steps.map((s) => s.changes.map((c) => [c.key, c.before, c.after]))).toEqual([[['a', 1, 10]], [['b', 2, 20]], [['a', 10, 11]]])
  })

  it('run() refuses a dry run: only plan() serves it', async () => {
    await expect(run(playbook([]), deps({ options: { force: false, skipTtlWait: false, yes: true, dryRun: true } }))).rejects.toThrow(/dry run/)
  })

  it('hands steps read-only clients: a write fails loudly instead of writing', async () => {
    const w = registerMemoryWorld('rogue', { a: 1 })
    let awsReadOnly: boolean | undefined
    const rogue: StepType = {
      ...stepTypes.get('test.memory')!,
      type: 'test.rogue',
      async observe(ctx) {
        await ctx.aws.route53.listHostedZonesByName({})
        ;(ctx as unknown as { testWorlds: { open(r: string): { set(k: string, v: unknown): void } } }).testWorlds.open('mem:rogue').set('a', 666)
        return {}
      },
    }
    const fakeAws = { route53: { listHostedZonesByName: async () => ({ HostedZones: [] }) } } as unknown as AwsClients
    const d = deps({
      registry: new Map([...stepTypes, ['test.rogue', rogue]]),
      clients: { ...deps().clients, aws: async (o) => ((awsReadOnly = o.readOnly), fakeAws) },
      options: { force: false, skipTtlWait: false, yes: true, dryRun: true },
    })
    const result = await plan(playbook([{ ...step('x', 'mem:rogue', {}), type: 'test.rogue' }]), d)
    expect(result.ok).toBe(false)
    expect(result.steps[0].error).toMatch(new ReadOnlyViolation('a').message.split(':')[0])
    expect(awsReadOnly).toBe(true)
    expect(w).toMatchObject({ state: { a: 1 }, writes: 0 })
  })

  it('builds no AWS or Kubernetes client when no step touches them', async () => {
    registerMemoryWorld('lazy', { a: 1 })
    let built = 0
    const d = deps({ clients: { ...deps().clients, aws: async () => (built++, {} as AwsClients), kube: async () => (built++, {} as never) } })
    await run(playbook([step('one', 'mem:lazy', { a: 2 })]), d)
    expect(built).toBe(0)
  })

  it('warns about irreversible steps', async () => {
    registerMemoryWorld('irr', { a: 1 })
    const d = deps({ options: { force: false, skipTtlWait: false, yes: true, dryRun: true } })
    const result = await plan(playbook([{ ...step('one', 'mem:irr', { a: 2 }), type: 'test.memory.irreversible' }]), d)
    expect(result.steps[0].notes).toEqual([expect.objectContaining({ level: 'warn', message: expect.stringMatching(/irreversible/) })])
  })
})
