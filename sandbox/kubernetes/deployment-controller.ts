/**
 * The Deployment controller on virtual time: finishes each running rollout when it is due
 * (see rollout.ts for what "finished" reports).
 */
import type { StoredObject } from '../estate.js'
import type { Controller, SandboxCore } from '../types.js'
import { finishRollout, rolloutDueAt } from './rollout.js'

const deployments = (sb: SandboxCore) => sb.estate.kubernetes.objects.filter((o) => o.kind === 'Deployment' && o.apiVersion === 'apps/v1')

export const deploymentController: Controller = {
  name: 'kubernetes-deployments',
  nextEventAfter(after, sb) {
    let next: number | null = null
    for (const d of deployments(sb)) {
      const due = rolloutDueAt(sb, d)
      if (due === null) continue
      // A rollout already due (e.g. a zero delay) finishes at the next instant the clock reaches.
      const t = Math.max(due, after + 1)
      if (next === null || t < next) next = t
    }
    return next
  },
  runAt(t, sb) {
    for (const d of deployments(sb) as StoredObject[]) {
      const due = rolloutDueAt(sb, d)
      if (due === null || due > t) continue
      finishRollout(sb, d, t)
      d.metadata.resourceVersion = sb.nextResourceVersion()
    }
  },
}
