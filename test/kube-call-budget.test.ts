/**
 * Budgets on the number of Kubernetes API calls of the benchmark's medium switchover (20 CronJobs,
 * 3 Deployments, 3 Services) and its rollback, run in process against the sandbox with the real
 * client: counts per operation, as the sandbox's call log has them, never time.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { benchManifests, benchPlaybook, benchScenario } from '../fixtures/generate-bench.js'
import { minimumCalls } from '../bench/perf/minimum.js'
import type { CallRecord } from '../sandbox/types.js'
import { openWorld, rollbackLast, runReference, type World } from './helpers/reference-run.js'

const sc = benchScenario('medium')
const C = sc.cronJobs.length
const D = sc.services.length

function kubeCounts(calls: CallRecord[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const c of calls) if (c.service === 'kubernetes') out[c.operation] = (out[c.operation] ?? 0) + 1
  return out
}

describe('Kubernetes calls of the medium benchmark switchover', () => {
  let w: World
  let run: Record<string, number>
  let back: Record<string, number>

  beforeAll(async () => {
    w = await openWorld({ estate: sc.estate })
    const dir = join(w.stateDir, 'playbook')
    await mkdir(join(dir, 'manifests'), { recursive: true })
    for (const [file, text] of Object.entries(benchManifests(sc))) await writeFile(join(dir, 'manifests', file), text)
    const file = join(dir, 'switchover.yaml')
    await writeFile(file, benchPlaybook(sc))
    const r = await runReference(w, null, { file })
    expect(r.status).toBe('done')
    const mark = w.sb.calls().length
    run = kubeCounts(w.sb.calls().slice(0, mark))
    const b = await rollbackLast(w, 'last', false, undefined, file)
    expect(b.exitCode).toBe(0)
    back = kubeCounts(w.sb.calls().slice(mark))
  }, 120_000)

  afterAll(async () => {
    await w?.stop()
  })

  it('asks for no discovery of the built-in kinds it uses, neither in the run (preflight included) nor in the rollback', () => {
    expect(run.discovery ?? 0).toBe(0)
    expect(back.discovery ?? 0).toBe(0)
  })

  it('takes the apply answer as the first look at a rollout and reads the other Deployments only once the first is ready', () => {
    // observe: 1 GET each in the preflight and in the run (both 404: they do not exist yet);
    // rollout: the sandbox needs 20 s, the step polls at 5 s, 15 s and 35 s: the first Deployment
    // twice while not ready, then every Deployment once.
    expect(run['get deployments']).toBe(2 * D + 2 + D)
    expect(run['get endpoints']).toBe(D)
  })

  it('reads each CronJob once per observe and lists them once per resume observe and once per awaited controller sync', () => {
    expect(run['get cronjobs']).toBe(2 * C)
    expect(run['list cronjobs']).toBe(3)
  })

  it('rollback: suspending the CronJobs again lists them once; deleting them reads each once (drift check)', () => {
    expect(back['list cronjobs']).toBe(1)
    expect(back['get cronjobs']).toBe(C)
  })

  it('stays within the printed minimum, run and rollback', () => {
    const total = (o: Record<string, number>) => Object.values(o).reduce((n, v) => n + v, 0)
    const min = (phase: 'run' | 'rollback') => { const k = minimumCalls(sc, phase).byService.kubernetes!; return k.read + k.mutating }
    expect(total(run)).toBeLessThanOrEqual(min('run'))
    expect(total(back)).toBeLessThanOrEqual(min('rollback'))
  })
})
