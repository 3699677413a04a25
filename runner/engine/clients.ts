/**
 * Clients for one mode (read-only or not), built lazily per target: the factory runs the first
 * time a step actually calls a method of that target's clients, and at most once per target. `ctx.aws.route53.listResourceRecordSets(...)` goes
 * through a proxy that awaits the real client, so a playbook that never touches AWS never
 * imports the SDK.
 */
import type { StepFiles } from '../contract.js'
import type { AwsClients } from '../clients/aws-types.js'
import type { KubeApi } from '../clients/kube-types.js'
import type { TestWorlds } from '../clients/test-worlds.js'
import type { ClientFactories } from './types.js'

export class ClientUnavailable extends Error {
  constructor(what: string) {
    super(`no ${what} client is configured for this invocation; run through the playbook CLI or pass a factory`)
  }
}

/** The same factories, telling the AWS one which run its clients act for. */
export function forRun(factories: ClientFactories, runId: string): ClientFactories {
  const aws = factories.aws
  return aws ? { ...factories, aws: (o) => aws({ ...o, runId }) } : factories
}

export class ClientPool {
  private readonly awsP = new Map<string, Promise<AwsClients>>()
  private readonly kubeP = new Map<string, Promise<KubeApi>>()
  private readonly awsV = new Map<string, AwsClients>()
  private readonly kubeV = new Map<string, KubeApi>()
  private worlds?: TestWorlds
  private filesV?: StepFiles

  constructor(private readonly factories: ClientFactories, readonly readOnly: boolean) {}

  /** The default AWS target's clients. */
  get aws(): AwsClients {
    return this.awsOf(undefined)
  }

  /** The default cluster's client. */
  get kube(): KubeApi {
    return this.kubeOf(undefined)
  }

  /** The clients of the named AWS target (undefined: the default one); lazy, built once. */
  awsOf(target: string | undefined): AwsClients {
    const id = target ?? ''
    let v = this.awsV.get(id)
    if (!v) {
      const load = () => this.factoryOnce(this.awsP, 'AWS', this.factories.aws, target)
      v = {
        route53: methodsOf(() => load().then((c) => c.route53)),
        ecs: methodsOf(() => load().then((c) => c.ecs)),
        eventbridge: methodsOf(() => load().then((c) => c.eventbridge)),
        scheduler: methodsOf(() => load().then((c) => c.scheduler)),
        // Only gates read CloudWatch: the factories' clients load its SDK package on the first alarm read.
        cloudwatch: methodsOf(() => load().then((c) => c.cloudwatch)),
      } as unknown as AwsClients
      this.awsV.set(id, v)
    }
    return v
  }

  /** The client of the named cluster (undefined: the default one); lazy, built once. */
  kubeOf(target: string | undefined): KubeApi {
    const id = target ?? ''
    let v = this.kubeV.get(id)
    if (!v) {
      const load = () => this.factoryOnce(this.kubeP, 'Kubernetes', this.factories.kube, target)
      v = methodsOf(load) as unknown as KubeApi
      this.kubeV.set(id, v)
    }
    return v
  }

  /** The target's clients from `factory`, called at most once per target (the promise is kept in `cache`). */
  private factoryOnce<T>(cache: Map<string, Promise<T>>, what: string, factory: ((o: { readOnly: boolean; target?: string }) => Promise<T>) | undefined, target: string | undefined): Promise<T> {
    if (!factory) return Promise.reject(new ClientUnavailable(what))
    const id = target ?? ''
    let p = cache.get(id)
    if (!p) cache.set(id, (p = factory({ readOnly: this.readOnly, ...(target !== undefined ? { target } : {}) })))
    return p
  }

  /** Undefined when the runner gives no file access (steps then say so). */
  get files(): StepFiles | undefined {
    this.filesV ??= this.factories.files?.()
    return this.filesV
  }

  get testWorlds(): TestWorlds {
    if (!this.factories.testWorlds) throw new ClientUnavailable('test world')
    this.worlds ??= this.factories.testWorlds({ readOnly: this.readOnly })
    return this.worlds
  }

  /** True once an AWS or Kubernetes factory (of any target) has been called. */
  get built(): { aws: boolean; kube: boolean } {
    return { aws: this.awsP.size > 0, kube: this.kubeP.size > 0 }
  }
}

/** An object whose every method forwards to the same method of the loaded target. */
function methodsOf(load: () => Promise<unknown>): unknown {
  return new Proxy(
    {},
    {
      get(_, name) {
        // Not thenable, or `await ctx.kube` would try to call it.
        if (typeof name !== 'string' || name === 'then') return undefined
        return async (...args: unknown[]) => {
          const target = (await load()) as Record<string, (...a: unknown[]) => unknown>
          const fn = target[name]
          if (typeof fn !== 'function') throw new TypeError(`client has no method ${name}`)
          return fn.apply(target, args)
        }
      },
    },
  )
}
