/**
 * Rehearsing a typo on the reference playbook: a record name that does not exist in the zone
 * fails the DNS step when it is observed, and the run's preflight (every step planned before the
 * first write) refuses the run: no call changes anything, the estate stays as it was.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Playbook } from '../runner/playbook/index.js'
import { openWorld, runReference, type World } from './helpers/reference-run.js'

let w: World | undefined
afterEach(async () => {
  await w?.stop()
  w = undefined
})

/** The reference with `orders` misspelt in the switch-dns step. */
const misspell = (pb: Playbook): Playbook => ({
  ...pb,
  steps: pb.steps.map((s) => {
    if (s.id !== 'switch-dns') return s
    const records = (s.params as { records: Array<{ name: string }> }).records
    return { ...s, params: { ...s.params, records: records.map((r) => (r.name === 'orders' ? { ...r, name: 'ordres' } : r)) } }
  }),
})

describe('a typo in the reference playbook', () => {
  it('refuses the misspelt record before the first write, names the closest, and never writes anything', async () => {
    w = await openWorld()
    const seed = w.sb.dump()
    const result = await runReference(w, 'test', { edit: misspell })
    expect(result.status).toBe('refused')
    expect(result.exitCode).toBe(2)
    const failed = w.events.find((e) => e.kind === 'step-failed')
    expect(failed).toMatchObject({ step: 'switch-dns', phase: 'preflight' })
    expect(w.sb.calls().filter((c) => c.mutating)).toEqual([])
    expect(failed && 'error' in failed && failed.error).toContain('ordres.test.example.com. CNAME does not exist in zone test.example.com. (closest: orders.test.example.com. CNAME')
    expect(w.batches.filter((b) => b.step === 'switch-dns')).toEqual([])
    expect(w.sb.dump()).toEqual(seed)
  })
})
