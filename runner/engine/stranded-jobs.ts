/**
 * Scheduled jobs a rollback leaves running on neither side (cron exclusivity's other failure:
 * nothing runs). Derived from the forward run's journal and what is undone of it, through the
 * facts the steps journal:
 * - `ecs.scheduled-task-disabled` (ecs.scheduled-tasks, on each disable): `{job, kind, arn}`;
 *   the item of that step whose state has that `Arn` is the rule or schedule;
 * - `k8s.cronjob-resumed` (k8s.cronjobs, on each handover): `{namespace, cronjob, job}`, `job`
 *   being the ECS counterpart's name; the item is that CronJob.
 * A job is stranded when its ECS task is still disabled by the run (its item not restored, or
 * passed because it vanished) and its CronJob is not running: suspended again by a rollback, or
 * never resumed by the run.
 */
import { kubeKey } from '../clients/kube-types.js'
import type { RunState } from './run-state.js'
import type { Undo } from './undone.js'

/** One job running nowhere: what holds it on ECS, where its CronJob is. */
export type StrandedJob = { job: string; ecs: string; kubernetes: string }

const cronJobKey = (namespace: string, name: string) => `k8s:${kubeKey({ apiVersion: 'batch/v1', kind: 'CronJob', namespace, name })}`
const arnOf = (state: unknown) => (state && typeof state === 'object' ? (state as { Arn?: unknown }).Arn : undefined)

export function strandedJobs(state: RunState, undo: Undo): StrandedJob[] {
  const out: StrandedJob[] = []
  const undoOfStep = new Map(undo.steps.map((s) => [s.step, s]))
  const resumed = state.facts.filter((f) => f.kind === 'k8s.cronjob-resumed')
  for (const f of state.facts.filter((x) => x.kind === 'ecs.scheduled-task-disabled')) {
    const job = String(f.data.job)
    const kind = String(f.data.kind ?? 'rule')
    const step = state.steps.find((s) => s.step === f.step)
    const item = step && [...step.items.values()].find((it) => arnOf(it.after) === f.data.arn || arnOf(it.before) === f.data.arn)
    const u = undoOfStep.get(f.step)
    if (!item || !u) continue
    const stillDisabled = u.left.includes(item.key)
    const vanished = u.passed.includes(item.key)
    if (!stillDisabled && !vanished) continue // enabled again on ECS
    const ecs = vanished ? `${kind} ${job}: gone since the run (--force passed it), not restored` : `${kind} ${job}: still DISABLED (step ${f.step} not undone)`
    const cron = resumed.filter((r) => r.data.job === job)
    if (cron.length === 0) {
      out.push({ job, ecs, kubernetes: 'no CronJob was resumed for it by this run' })
      continue
    }
    const cronKey = (r: (typeof cron)[number]) => cronJobKey(String(r.data.namespace), String(r.data.cronjob))
    // Still resumed (the rollback has not reached its step): the job runs on Kubernetes.
    if (cron.some((r) => undoOfStep.get(r.step)?.left.includes(cronKey(r)))) continue
    const names = cron.map((r) => `${r.data.namespace}/${r.data.cronjob}`).join(', ')
    out.push({ job, ecs, kubernetes: `CronJob ${names}: suspended again by the rollback (step ${cron[0].step})` })
  }
  return out
}
