/**
 * The explicit registry of step types (no folder scan). A step file imports no SDK at run time
 * (types only), so loading the registry is cheap enough for `playbook validate`.
 */
import type { StepType } from '../runner/contract.js'
import { route53Ttl } from './route53-ttl.js'
import { route53Records } from './route53-records.js'
import { ecsScheduledTasks } from './ecs-scheduled-tasks.js'
import { ecsService } from './ecs-service.js'
import { k8sApply } from './k8s-apply.js'
import { k8sCronjobs } from './k8s-cronjobs.js'
import { k8sPatch } from './k8s-patch.js'
import { meshShift } from './mesh-shift.js'

export const stepTypes: ReadonlyMap<string, StepType> = new Map<string, StepType>(
  [
    // one line per step type, e.g. route53Ttl,
    route53Ttl,
    route53Records,
    ecsScheduledTasks,
    ecsService,
    k8sApply,
    k8sCronjobs,
    k8sPatch,
    meshShift,
  ].map((s: StepType) => [s.type, s]),
)
