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
 * - Kubernetes: 1 discovery; per object 1 GET (observe), 1 dry-run apply (the plan's predicted
 *   state), 1 apply; rollout: 1 GET per Deployment and 1 GET of Endpoints per Service once ready;
 *   resume: 1 LIST of CronJobs and 2 writes per CronJob (spec: resume; status: lastScheduleTime).
 * - ECS / EventBridge / Scheduler: 1 DescribeClusters; ⌈R/100⌉ ListRuleNamesByTarget;
 *   R DescribeRule + R DisableRule; ⌈Σsch/100⌉ ListSchedules; H GetSchedule (UpdateSchedule
 *   replaces the whole definition) + H UpdateSchedule.
 * - Preflight (run plans every step before its first write, design "Intent"): every step's observe
 *   once more, before the first write: Route 53 Z zone lookups + Σp pages (the plan reads each
 *   zone once for all its steps); Kubernetes 1 discovery (its read-only client) + O GET + O dry-run
 *   + 1 LIST; ECS 1 DescribeClusters; EventBridge ⌈R/100⌉ + R DescribeRule; Scheduler
 *   ⌈Σsch/100⌉ + H GetSchedule. They cannot be the run's own observations: earlier steps and the
 *   waits between steps (TTL, rollout) change what a later step must journal as its before-state.
 * - AWS-only scenario: the DNS steps are one TTL and one switch per zone (no weighted stages) and
 *   there is no Kubernetes step.
 *
 * Rollback
 * - Route 53: per zone and DNS step 1 ListHostedZonesByName, p(z) ListResourceRecordSets (drift
 *   check), 1 ChangeResourceRecordSets (the whole step restored in one batch), 1 GetChange.
 * - Kubernetes: 1 discovery; per CronJob 1 GET + 1 write (suspend again); per deployed object
 *   1 GET (drift check) + 1 DELETE.
 * - ECS: R DescribeRule + R EnableRule; H GetSchedule + H UpdateSchedule.
 */
import type { BenchScenario } from '../../fixtures/generate-bench.js'

export type Minimum = {
  total: number
  mutating: number
  byService: Record<string, { mutating: number; read: number }>
  formula: string[]
}

const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size))

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
    const pf = { route53: Z + P, kube: 1 + 2 * O + 1, events: pages(R, 100) + R, scheduler: pages(allSchedules, 100) + H, ecs: 1 }
    const r53Reads = Z * (observes) + P * (observes + dnsSteps - 1) + batches * polls + pf.route53
    add('route53', batches, r53Reads, `mutating Z×${dnsSteps} = ${batches}; reads Z×${observes} zone lookups + Σp×${observes + dnsSteps - 1} record pages + ${pollText} + preflight Z + Σp = ${r53Reads}`)
    if (!sc.awsOnly) {
      const kubeReads = 1 + 2 * O + D + V + 1 + pf.kube
      add('kubernetes', O + 2 * C, kubeReads, `mutating O apply + 2C resume writes = ${O + 2 * C}; reads 1 discovery + O GET + O dry-run + D rollout + V endpoints + 1 LIST + preflight (1 + 2O + 1) = ${kubeReads}`)
    }
    add('events', R, pages(R, 100) + R + pf.events, `mutating R DisableRule = ${R}; reads ⌈R/100⌉ ListRuleNamesByTarget + R DescribeRule, twice (preflight) = ${pages(R, 100) + R + pf.events}`)
    add('scheduler', H, pages(allSchedules, 100) + H + pf.scheduler, `mutating H UpdateSchedule = ${H}; reads ⌈Σsch/100⌉ ListSchedules + H GetSchedule, twice (preflight) = ${pages(allSchedules, 100) + H + pf.scheduler}`)
    add('ecs', 0, 1 + pf.ecs, 'reads 1 DescribeClusters, twice (preflight)')
  } else {
    const dnsSteps = sc.awsOnly ? 2 : 3
    const batches = Z * dnsSteps
    const r53Reads = batches + P * dnsSteps + batches * polls
    add('route53', batches, r53Reads, `mutating ${batches / Z} per zone = ${batches}; reads per DNS step and zone 1 zone lookup + p record pages + ${pollText} = ${r53Reads}`)
    if (!sc.awsOnly) add('kubernetes', C + O, 1 + C + O, `mutating C suspend + O delete = ${C + O}; reads 1 discovery + C + O GET = ${1 + C + O}`)
    add('events', R, R, `mutating R EnableRule; reads R DescribeRule = ${R}`)
    add('scheduler', H, H, `mutating H UpdateSchedule; reads H GetSchedule = ${H}`)
  }
  const values = Object.values(byService)
  const mutating = values.reduce((n, v) => n + v.mutating, 0)
  return { total: values.reduce((n, v) => n + v.mutating + v.read, 0), mutating, byService, formula }
}
