/**
 * The cron gap of every scheduled job a run handed over: when ECS stopped it, when the CronJob
 * was resumed, the scheduled times in between, and what became of each (caught up once on
 * Kubernetes, skipped, and why). From the facts `ecs.scheduled-tasks` and `k8s.cronjobs` journal.
 */
import type { JournalEntry } from '../journal/entries.js'
import { byCodeUnits } from '../canonical.js'

export type GapTime = { at: string; fate: 'caught up' | 'skipped' | 'not run' }

export type CronGap = {
  /** The ECS job's name (rule or schedule), or the CronJob's when no counterpart is known. */
  job: string
  ecs?: { kind: string; arn?: string; schedule?: string; timeZone?: string; disabledAt: number }
  k8s?: { namespace: string; cronjob: string; schedule: string; timeZone: string | null; catchUp: string; resumedAt: number }
  /** Scheduled times in the gap, oldest first (at most the 100 newest), and how many in all. */
  times: GapTime[]
  count: number
  caughtUp: string | null
  /** Why nothing (or not all) was caught up. */
  reason?: string
  /** From ECS disabled to CronJob resumed: the time the job ran on neither side. */
  gapMs?: number
}

type Disabled = { job: string; kind: string; arn?: string; scheduleExpression?: string; timezone?: string; disabledAt: number }
type Resumed = {
  namespace: string; cronjob: string; job: string | null; schedule: string; timeZone: string | null; catchUp: string
  disabledAt: string | null; resumedAt: string; gap: string[]; gapCount: number; caughtUp: string | null; skipped: string[]; reason?: string
}

export function cronGaps(entries: readonly JournalEntry[]): CronGap[] {
  const byJob = new Map<string, CronGap>()
  for (const e of entries) {
    if (e.t !== 'fact') continue
    if (e.kind === 'ecs.scheduled-task-disabled') {
      const d = e.data as unknown as Disabled
      const g = byJob.get(d.job) ?? { job: d.job, times: [], count: 0, caughtUp: null }
      g.ecs = { kind: d.kind, arn: d.arn, schedule: d.scheduleExpression, timeZone: d.timezone, disabledAt: d.disabledAt }
      byJob.set(d.job, g)
    } else if (e.kind === 'k8s.cronjob-resumed') {
      const r = e.data as unknown as Resumed
      const job = r.job ?? `${r.namespace}/${r.cronjob}`
      const g = byJob.get(job) ?? { job, times: [], count: 0, caughtUp: null }
      const skipped = new Set(r.skipped)
      g.k8s = { namespace: r.namespace, cronjob: r.cronjob, schedule: r.schedule, timeZone: r.timeZone, catchUp: r.catchUp, resumedAt: Date.parse(r.resumedAt) }
      g.times = r.gap.map((at) => ({ at, fate: at === r.caughtUp ? 'caught up' : skipped.has(at) ? 'skipped' : 'not run' }))
      g.count = r.gapCount
      g.caughtUp = r.caughtUp
      if (r.reason) g.reason = r.reason
      else if (g.times.some((t) => t.fate === 'not run')) g.reason = 'only the most recent missed time is started, as the CronJob controller does'
      if (!g.ecs && r.disabledAt) g.ecs = { kind: 'unknown', disabledAt: Date.parse(r.disabledAt) }
      byJob.set(job, g)
    }
  }
  for (const g of byJob.values()) if (g.ecs && g.k8s) g.gapMs = g.k8s.resumedAt - g.ecs.disabledAt
  return [...byJob.values()].sort((a, b) => byCodeUnits(a.job, b.job))
}
