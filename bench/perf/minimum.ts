/**
 * The fewest API calls a switchover (or its rollback) of a scenario needs while keeping every
 * guarantee the design asks for. With Z zones, p(z) pages of ListResourceRecordSets for zone z
 * (300 record sets a page), S weighted stages, R ECS rules and H ECS schedules on the cluster
 * (Σsch = every schedule in the account, since ListSchedules cannot filter by target), C CronJobs,
 * D Deployments and V Services (O = C + D + V objects deployed):
 *
 * Run
 * - Route 53 mutating: ChangeResourceRecordSets = Z × (1 TTL + 1 switch + S stages): one atomic
 *   batch per zone per DNS step (the batches are far below the 1,000-change limit).
 * - Route 53 reads: ListHostedZonesByName = Z × 3 (each DNS step resolves its zone; steps share
 *   nothing); ListResourceRecordSets = Σ p(z) × (3 observes + 1 + S read-backs, one per batch);
 *   GetChange = per batch, the fewest polls that see an immediate INSYNC within 1 s and a slower
 *   one at most 10 s late: 1 + ⌈(d − 1 s)/10 s⌉ for a propagation delay d (1 when INSYNC at once,
 *   7 for the sandbox's default minute). An oracle that knew d would need 1.
 * - Kubernetes (B = group versions of kinds that are not built in, per cluster; 0 here: the bench
 *   deploys Services, Deployments and CronJobs, whose paths are fixed by the API and need no
 *   discovery): B discovery, once per process however many clients ask; per object 1 GET
 *   (observe, just before the write: minutes pass between preflight and step) and 1 dry-run apply
 *   (the server's own answer is the `after` the step journals and the plan shows), 1 apply;
 *   rollout: the apply's answer is the first look (free), then each Deployment 1 GET once it is
 *   ready, and before that 1 GET of the first one per poll that comes too early: the polls that
 *   see a rollout at most as late as it has taken so far (the step's back-off, doubling from the
 *   playbook's 5 s interval to at most 30 s) fall before the sandbox's 20 s rollout twice (5 s,
 *   15 s); an oracle that knew the delay would need none. Then 1 GET of Endpoints per Service;
 *   resume: 1 LIST of CronJobs (the step selects by label: one call finds them all), 2 writes per
 *   CronJob (unsuspend with the temporary deadline and the handover marker; the deadline back and
 *   the marker off), and 1 LIST after the controller's sync, which is how the handover sees that
 *   a caught-up run started before it puts the deadline back (the bench's CronJobs catch up: their
 *   ECS jobs fall due in the minutes of the weighted stages).
 * - ECS / EventBridge / Scheduler: 1 DescribeClusters; ⌈R/100⌉ ListRuleNamesByTarget;
 *   R DescribeRule + R DisableRule; ⌈Σsch/100⌉ ListSchedules; H GetSchedule (UpdateSchedule
 *   replaces the whole definition) + H UpdateSchedule.
 * - Preflight (run plans every step before its first write, design "Intent"): every step's observe
 *   once more, before the first write: Route 53 Z zone lookups + Σp pages (the plan reads each
 *   zone once for all its steps); Kubernetes O GET + O dry-run + 1 LIST (its client shares the
 *   run's discovery, so none of its own); ECS 1 DescribeClusters; EventBridge ⌈R/100⌉ + R DescribeRule; Scheduler
 *   ⌈Σsch/100⌉ + H GetSchedule. They cannot be the run's own observations: earlier steps and the
 *   waits between steps (TTL, rollout) change what a later step must journal as its before-state.
 * - AWS-only scenario: the DNS steps are one TTL and one switch per zone (no weighted stages) and
 *   there is no Kubernetes step.
 *
 * Rollback
 * - Route 53: per zone and DNS step 1 ListHostedZonesByName, p(z) ListResourceRecordSets (drift
 *   check), 1 ChangeResourceRecordSets (the whole step restored in one batch), 1 GetChange.
 * - Kubernetes: suspending again: 1 LIST of the step's CronJobs (the drift check of all of them
 *   in one call) + 1 write per CronJob; deleting: per deployed object 1 GET (its own drift check:
 *   the DNS and ECS restores with their INSYNC waits come in between) + 1 DELETE. B discovery as
 *   in the run.
 * - ECS: R DescribeRule + R EnableRule; H GetSchedule + H UpdateSchedule.
 */
import type { BenchScenario } from '../../fixtures/generate-bench.js'
import { defaultSandboxConfig } from '../../sandbox/types.js'

export type Minimum = {
  total: number
  mutating: number
  byService: Record<string, { mutating: number; read: number }>
  formula: string[]
}

const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size))

/** The bench playbook's k8s.apply wait.interval, and the longest pause of the step's back-off. */
const ROLLOUT_INTERVAL_MS = 5_000
const ROLLOUT_MAX_PAUSE_MS = 30_000

/** Polls of a back-off doubling from `interval` (pauses capped) that come before a rollout of `delay` is done. */
function earlyPolls(delayMs: number): number {
  let n = 0
  let pause = ROLLOUT_INTERVAL_MS
  for (let t = pause; t < delayMs; t += pause) {
    n++
    pause = Math.min(pause * 2, Math.max(ROLLOUT_INTERVAL_MS, ROLLOUT_MAX_PAUSE_MS))
  }
  return n
}

export function minimumCalls(sc: BenchScenario, phase: 'run' | 'rollback'): Minimum {
  const Z = sc.zones.length
  const S = sc.stages.length
  const P = sc.zones.reduce((n, z) => n + pages(z.recordSets, 300), 0)
  const R = sc.ecsRules
  const H = sc.ecsSchedules
  const allSchedules = sc.estate.scheduler.schedules.length
  const C = sc.cronJobs.length
  const D = sc.services.length
  const V = sc.services.length
  const O = C + D + V
  // Group versions needing discovery: the bench deploys built-in kinds only.
  const B = 0
  const byService: Minimum['byService'] = {}
  const formula: string[] = []
  const add = (service: string, mutating: number, read: number, text: string) => {
    byService[service] = { mutating: (byService[service]?.mutating ?? 0) + mutating, read: (byService[service]?.read ?? 0) + read }
    formula.push(`${service}: ${text}`)
  }
  const d = sc.route53ChangeDelayMs
  const polls = 1 + Math.max(0, Math.ceil((d - 1000) / 10_000))
  const pollText = `${polls} GetChange per batch (INSYNC after ${d / 1000} s)`
  if (phase === 'run') {
    const dnsSteps = sc.awsOnly ? 2 : 2 + S
    const observes = sc.awsOnly ? 2 : 3
    const batches = Z * dnsSteps
    const pf = { route53: Z + P, kube: 2 * O + 1, events: pages(R, 100) + R, scheduler: pages(allSchedules, 100) + H, ecs: 1 }
    const r53Reads = Z * (observes) + P * (observes + dnsSteps - 1) + batches * polls + pf.route53
    add('route53', batches, r53Reads, `mutating Z×${dnsSteps} = ${batches}; reads Z×${observes} zone lookups + Σp×${observes + dnsSteps - 1} record pages + ${pollText} + preflight Z + Σp = ${r53Reads}`)
    if (!sc.awsOnly) {
      const early = earlyPolls(defaultSandboxConfig.deploymentReadyDelayMs)
      const catchUp = C > 0 ? 1 : 0
      const kubeReads = B + 2 * O + D + early + V + 1 + catchUp + pf.kube
      add('kubernetes', O + 2 * C, kubeReads, `mutating O apply + 2C resume writes = ${O + 2 * C}; reads ${B} discovery + O GET + O dry-run + D rollout + ${early} early rollout polls + V endpoints + 1 LIST + ${catchUp} LIST after the controller's sync + preflight (2O + 1) = ${kubeReads}`)
    }
    add('events', R, pages(R, 100) + R + pf.events, `mutating R DisableRule = ${R}; reads ⌈R/100⌉ ListRuleNamesByTarget + R DescribeRule, twice (preflight) = ${pages(R, 100) + R + pf.events}`)
    add('scheduler', H, pages(allSchedules, 100) + H + pf.scheduler, `mutating H UpdateSchedule = ${H}; reads ⌈Σsch/100⌉ ListSchedules + H GetSchedule, twice (preflight) = ${pages(allSchedules, 100) + H + pf.scheduler}`)
    add('ecs', 0, 1 + pf.ecs, 'reads 1 DescribeClusters, twice (preflight)')
  } else {
    const dnsSteps = sc.awsOnly ? 2 : 3
    const batches = Z * dnsSteps
    const r53Reads = batches + P * dnsSteps + batches * polls
    add('route53', batches, r53Reads, `mutating ${batches / Z} per zone = ${batches}; reads per DNS step and zone 1 zone lookup + p record pages + ${pollText} = ${r53Reads}`)
    if (!sc.awsOnly) add('kubernetes', C + O, B + 1 + O, `mutating C suspend + O delete = ${C + O}; reads ${B} discovery + 1 LIST + O GET = ${B + 1 + O}`)
    add('events', R, R, `mutating R EnableRule; reads R DescribeRule = ${R}`)
    add('scheduler', H, H, `mutating H UpdateSchedule; reads H GetSchedule = ${H}`)
  }
  const values = Object.values(byService)
  const mutating = values.reduce((n, v) => n + v.mutating, 0)
  return { total: values.reduce((n, v) => n + v.mutating + v.read, 0), mutating, byService, formula }
}
