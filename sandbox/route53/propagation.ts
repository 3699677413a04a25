/**
 * Route 53 change propagation on the sandbox clock. A change's status is derived from its
 * `InsyncAt` (PENDING before, INSYNC from then on), so there is nothing to mutate; the controller
 * marks those instants as events so that advancing time steps through them in order.
 */
import type { Controller, SandboxCore } from '../types.js'

export const route53Propagation: Controller = {
  name: 'route53-propagation',
  nextEventAfter(after: number, sb: SandboxCore): number | null {
    let next: number | null = null
    for (const c of sb.estate.route53.changes) {
      const t = Date.parse(c.InsyncAt)
      if (t > after && (next === null || t < next)) next = t
    }
    return next
  },
  runAt(): void {},
}
