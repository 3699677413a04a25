import { describe, expect, it } from 'vitest'
import type { EngineEvent } from '../runner/events.js'
import { formatEvent } from '../runner/render/format.js'
import { jsonRenderer, plainRenderer } from '../runner/render/plain.js'

const wait = (ms: number): EngineEvent => ({ kind: 'wait', step: 's', ms, reason: 'Route 53 change INSYNC', virtual: true })

describe('renderers', () => {
  it('plain: a streak of identical waits prints once plus a count', () => {
    let out = ''
    const emit = plainRenderer((t) => void (out += t))
    for (let i = 0; i < 5; i++) emit(wait(2000))
    emit({ kind: 'step-done', step: 's', changed: 1 })
    expect(out.split('\n').filter(Boolean)).toEqual([
      '  … waiting 2 s (virtual clock): Route 53 change INSYNC',
      '  … (4 more, 10 s waited in all)',
      '✔ s: 1 item changed',
    ])
  })

  it('json: one parseable object per event per line', () => {
    let out = ''
    const emit = jsonRenderer((t) => void (out += t), () => 0)
    emit(wait(1))
    emit({ kind: 'notice', level: 'warn', message: 'multi\nline' })
    const lines = out.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(JSON.parse(lines[1])).toEqual({ at: '1970-01-01T00:00:00.000Z', kind: 'notice', level: 'warn', message: 'multi\nline' })
  })

  it('formats a plan as a diff: + create, - delete, ~ update', () => {
    const lines = formatEvent({
      kind: 'step-plan', step: 'p', type: 't', notes: [{ level: 'warn', message: 'careful' }],
      changes: [
        { key: 'a', before: null, after: 1, summary: 'create a' },
        { key: 'b', before: 1, after: null, summary: 'delete b' },
        { key: 'c', before: 1, after: 2, summary: 'update c' },
      ],
    })
    expect(lines).toEqual(['p (t): 3 changes', '  + create a', '      after:  1', '  - delete b', '      before: 1', '  ~ update c', '      before: 1', '      after:  2', '  ! warning: careful'])
  })
})

describe('listr renderer', () => {
  it('finishes, and a step that fails before listr draws it is no unhandled rejection', async () => {
    const { listrRenderer } = await import('../runner/render/listr.js')
    let out = ''
    const r = listrRenderer((t) => void (out += t), { drawTasks: false })
    r.emit({ kind: 'run-start', runId: 'r', playbook: 'p', env: null, mode: 'run', resumed: false, steps: ['one', 'two', 'three'] })
    r.emit({ kind: 'step-done', step: 'one', changed: 1 })
    r.emit({ kind: 'step-failed', step: 'two', phase: 'apply', error: 'boom' })
    r.emit({ kind: 'rollback-start', source: 'r', steps: ['one'] })
    r.emit({ kind: 'run-end', runId: 'r', status: 'rolled-back', exitCode: 1 })
    await r.done()
    await new Promise((res) => setTimeout(res, 20))
    expect(out).toContain('rolling back run r')
    expect(out).toContain('r: rolled-back (exit 1)')
  })
})

describe('rollback bookkeeping and what a stopped rollback left, in every renderer', () => {
  const picked: EngineEvent = { kind: 'rollback-picked', runId: 'r1', playbook: 'demo', env: 'prod', reason: 'the latest run that changed something and is not rolled back', passedOver: [{ runId: 'r2', playbook: 'demo', why: 'changed nothing' }] }
  const left: EngineEvent = {
    kind: 'rollback-left', source: 'r1', steps: [{ step: 'disable-ecs', keys: ['events-rule:default:nightly'] }], command: 'playbook rollback r1 --force',
    jobs: [{ job: 'nightly', ecs: 'rule nightly: still DISABLED (step disable-ecs not undone)', kubernetes: 'CronJob shop/nightly: suspended again by the rollback (step resume)' }],
  }
  const events: EngineEvent[] = [
    picked,
    { kind: 'run-start', runId: 'rb', playbook: 'demo', env: 'prod', mode: 'rollback', resumed: false, steps: ['resume', 'disable-ecs'] },
    { kind: 'rollback-step-done', step: 'resume', restored: ['k8s:batch/v1/CronJob/shop/nightly'], unchanged: [] },
    { kind: 'rollback-vanished', step: 'disable-ecs', key: 'events-rule:default:nightly', before: { State: 'ENABLED' }, action: 'refused' },
    { kind: 'rollback-failed', step: 'disable-ecs', error: 'drift' },
    left,
    { kind: 'run-end', runId: 'rb', status: 'rollback-incomplete', exitCode: 3 },
  ]

  it('plain: the pick and its reason, the vanished item, what is left, the jobs running nowhere and the command', () => {
    let out = ''
    const emit = plainRenderer((t) => void (out += t))
    for (const e of events) emit(e)
    expect(out).toContain('↩ --last: run r1 (demo, env prod), the latest run that changed something and is not rolled back')
    expect(out).toContain('passed over r2 (demo): changed nothing')
    expect(out).toContain('events-rule:default:nightly no longer exists')
    expect(out).toContain('    disable-ecs: events-rule:default:nightly')
    expect(out).toContain('nightly: ECS rule nightly: still DISABLED (step disable-ecs not undone); Kubernetes CronJob shop/nightly: suspended again by the rollback (step resume)')
    expect(out).toContain('to continue: playbook rollback r1 --force')
    expect(formatEvent({ kind: 'rollback-already-done', source: 'r1', by: ['r3'] })).toEqual(['✔ run r1 is already rolled back by r3: nothing left to undo'])
  })

  it('json: each of them one object carrying its data', () => {
    let out = ''
    const emit = jsonRenderer((t) => void (out += t), () => 0)
    for (const e of events) emit(e)
    const lines = out.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines[0]).toEqual({ at: '1970-01-01T00:00:00.000Z', ...picked })
    expect(lines[5]).toEqual({ at: '1970-01-01T00:00:00.000Z', ...left })
  })

  it('listr: the pick before the task list, what is left after it', async () => {
    const { listrRenderer } = await import('../runner/render/listr.js')
    let out = ''
    const r = listrRenderer((t) => void (out += t), { drawTasks: false })
    for (const e of events) r.emit(e)
    await r.done()
    expect(out.indexOf('↩ --last: run r1')).toBeGreaterThanOrEqual(0)
    expect(out.indexOf('↩ --last: run r1')).toBeLessThan(out.indexOf('rollback rb: demo'))
    expect(out).toContain('events-rule:default:nightly no longer exists')
    expect(out.indexOf('to continue: playbook rollback r1 --force')).toBeLessThan(out.indexOf('rb: rollback-incomplete (exit 3)'))
    expect(out).toContain('now runs on neither ECS nor Kubernetes')
  })
})
