/**
 * The TTY renderer: a listr2 task list with one task per step, driven by engine events (the
 * engine never knows it is there). Events that belong to no pending task (notices, a rollback
 * after a failure, the end line) are printed as plain lines once the list has finished.
 * Call `done()` before exiting so the list is drawn to the end. Load this module lazily (it
 * imports listr2).
 */
import { Listr } from 'listr2'
import type { EngineEvent } from '../events.js'
import { formatEvent } from './format.js'
import type { Write } from './plain.js'

type Outcome = { title?: string; skip?: string }
type Pending = {
  settle: { resolve: (o: Outcome) => void; reject: (e: Error) => void }
  promise: Promise<Outcome>
  task?: { output: string; title: string }
  settled: boolean
  /** Latest progress line, kept until the task is drawn (the engine may be ahead of listr). */
  last?: string
}

export type ListrRenderer = { emit: (e: EngineEvent) => void; done(): Promise<void> }

/** `drawTasks: false` keeps listr silent (the task list is drawn on the process's terminal). */
export function listrRenderer(write: Write, opts: { drawTasks?: boolean } = {}): ListrRenderer {
  const pending = new Map<string, Pending>()
  const after: string[] = []
  let running: Promise<unknown> | undefined

  const settle = (step: string, o: Outcome | Error) => {
    const p = pending.get(step)
    if (!p || p.settled) return false
    p.settled = true
    if (o instanceof Error) p.settle.reject(o)
    else p.settle.resolve(o)
    return true
  }
  const output = (step: string, text: string) => {
    const p = pending.get(step)
    if (!p) return void after.push(text)
    p.last = text
    if (p.task && !p.settled) p.task.output = text
  }

  // Synchronous: the engine emits the next events right after run-start.
  const start = (steps: string[]) => {
    for (const id of steps) {
      let settleFns!: Pending['settle']
      const promise = new Promise<Outcome>((resolve, reject) => (settleFns = { resolve, reject }))
      // Settled before listr reaches the task: must not count as an unhandled rejection.
      promise.catch(() => {})
      pending.set(id, { settle: settleFns, promise, settled: false })
    }
    const tasks = steps.map((id) => ({
      title: id,
      task: async (_: unknown, task: { output: string; title: string; skip(m?: string): void }) => {
        const p = pending.get(id)!
        p.task = task
        if (p.last !== undefined) task.output = p.last
        const o = await p.promise
        if (o.title) task.title = o.title
        if (o.skip !== undefined) task.skip(`${id}: ${o.skip}`)
      },
    }))
    const list =
      opts.drawTasks === false
        ? new Listr(tasks, { concurrent: false, exitOnError: false, renderer: 'silent' })
        : new Listr(tasks, { concurrent: false, exitOnError: false, rendererOptions: { collapseErrors: false } })
    return list.run().catch(() => {})
  }

  return {
    emit(e) {
      switch (e.kind) {
        case 'run-start':
          for (const l of formatEvent(e)) write(l + '\n')
          running = start(e.steps)
          return
        case 'step-done':
          if (!settle(e.step, { title: `${e.step}: ${e.changed} changed` })) after.push(...formatEvent(e))
          return
        case 'step-skipped':
          if (!settle(e.step, { skip: e.reason })) after.push(...formatEvent(e))
          return
        case 'step-failed':
        case 'rollback-failed':
          if (!settle(e.step, new Error(formatEvent(e).join(' ')))) after.push(...formatEvent(e))
          return
        case 'rollback-step-done':
          if (!settle(e.step, { title: formatEvent(e)[0].replace(/^✔ /, '') })) after.push(...formatEvent(e))
          return
        case 'rollback-skipped':
          if (!settle(e.step, { skip: e.reason })) after.push(...formatEvent(e))
          return
        case 'item-applied':
        case 'wait':
        case 'log':
        case 'step-plan':
        case 'rollback-vanished':
          // A warning that must outlive the task's transient output line.
          after.push(...formatEvent(e))
          return output(e.step, formatEvent(e).join('\n'))
        case 'rollback-drift':
        case 'rollback-step':
        case 'step-start':
        case 'approval':
          return output(e.step, formatEvent(e).join('\n'))
        case 'run-end':
          for (const id of pending.keys()) settle(id, { skip: 'not reached' })
          after.push(...formatEvent(e))
          return
        case 'rollback-picked':
        case 'rollback-already-done':
          // Before the task list (or instead of one): printed at once.
          if (!running) for (const l of formatEvent(e)) write(l + '\n')
          else after.push(...formatEvent(e))
          return
        case 'rollback-start':
        case 'rollback-left':
        case 'notice':
          after.push(...formatEvent(e))
          return
        default: {
          const never: never = e
          void never
        }
      }
    },
    async done() {
      await running
      for (const l of after) write(l + '\n')
      after.length = 0
    },
  }
}
