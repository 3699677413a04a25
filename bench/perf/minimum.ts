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
 *   GetChange = one per batch (a single poll after the propagation delay finds it INSYNC).
 * - Kubernetes: 1 discovery; per object 1 GET (observe), 1 dry-run apply (the plan's predicted
 *   state), 1 apply; rollout: 1 GET per Deployment and 1 GET of Endpoints per Service once ready;
 *   resume: 1 LIST of CronJobs and 2 writes per CronJob (spec: resume; status: lastScheduleTime).
 * - ECS / EventBridge / Scheduler: 1 DescribeClusters; ⌈R/100⌉ ListRuleNamesByTarget;
 *   R DescribeRule + R DisableRule; ⌈Σsch/100⌉ ListSchedules; H GetSchedule (UpdateSchedule
 *   replaces the whole definition) + H UpdateSchedule.
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
  if (phase === 'run') {
    const batches = Z * (2 + S)
    add('route53', batches, Z * 3 + P * (4 + S) + batches, `mutating Z×(2+S) = ${batches}; reads Z×3 zone lookups + Σp×(4+S) record pages + 1 GetChange per batch = ${Z * 3 + P * (4 + S) + batches}`)
    add('kubernetes', O + 2 * C, 1 + 2 * O + D + V + 1, `mutating O apply + 2C resume writes = ${O + 2 * C}; reads 1 discovery + O GET + O dry-run + D rollout + V endpoints + 1 LIST = ${1 + 2 * O + D + V + 1}`)
    add('events', R, pages(R, 100) + R, `mutating R DisableRule = ${R}; reads ⌈R/100⌉ ListRuleNamesByTarget + R DescribeRule = ${pages(R, 100) + R}`)
    add('scheduler', H, pages(allSchedules, 100) + H, `mutating H UpdateSchedule = ${H}; reads ⌈Σsch/100⌉ ListSchedules + H GetSchedule = ${pages(allSchedules, 100) + H}`)
    add('ecs', 0, 1, 'reads 1 DescribeClusters')
  } else {
    const batches = Z * 3
    add('route53', batches, Z * 3 + P * 3 + batches, `mutating Z×3 = ${batches}; reads Z×3 zone lookups + Σp×3 record pages + 1 GetChange per batch = ${Z * 3 + P * 3 + batches}`)
    add('kubernetes', C + O, 1 + C + O, `mutating C suspend + O delete = ${C + O}; reads 1 discovery + C + O GET = ${1 + C + O}`)
    add('events', R, R, `mutating R EnableRule; reads R DescribeRule = ${R}`)
    add('scheduler', H, H, `mutating H UpdateSchedule; reads H GetSchedule = ${H}`)
  }
  const values = Object.values(byService)
  const mutating = values.reduce((n, v) => n + v.mutating, 0)
  return { total: values.reduce((n, v) => n + v.mutating + v.read, 0), mutating, byService, formula }
}
