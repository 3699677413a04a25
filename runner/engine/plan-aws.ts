/**
 * The plan-mode AWS layer: a plan (or a run's preflight) writes nothing, so the same read with the
 * same input gives the same answer for the length of the plan. Steps that each resolve the same
 * hosted zone and list the same record sets are served the first answer (a copy of it) instead of
 * calling AWS again. Only read operations are kept; a failed read is not.
 */
import type { AwsClients } from '../clients/aws-types.js'
import { isReadOperation } from '../clients/read-only.js'
import { canonicalJson } from '../canonical.js'

export function memoizedReads(clients: AwsClients): AwsClients {
  const memo = new Map<string, Promise<unknown>>()
  const wrap = (service: string, client: object | undefined) => {
    if (typeof client !== 'object' || client === null) return client
    return new Proxy(client, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver)
        if (typeof name !== 'string' || typeof value !== 'function' || !isReadOperation(name[0].toUpperCase() + name.slice(1))) return value
        return (...args: unknown[]) => {
          if (args.length > 1) return value.apply(target, args) // options or a callback: not a plain read
          const key = `${service} ${name} ${canonicalJson(args[0] ?? null)}`
          let answer = memo.get(key)
          if (!answer) {
            answer = Promise.resolve(value.apply(target, args)).catch((e: unknown) => {
              memo.delete(key)
              throw e
            })
            memo.set(key, answer)
          }
          return answer.then((a) => structuredClone(a))
        }
      },
    })
  }
  return {
    route53: wrap('route53', clients.route53) as AwsClients['route53'],
    ecs: wrap('ecs', clients.ecs) as AwsClients['ecs'],
    eventbridge: wrap('eventbridge', clients.eventbridge) as AwsClients['eventbridge'],
    scheduler: wrap('scheduler', clients.scheduler) as AwsClients['scheduler'],
    get cloudwatch() {
      return wrap('cloudwatch', clients.cloudwatch) as AwsClients['cloudwatch']
    },
  }
}
