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
