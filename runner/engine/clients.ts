/**
 * Clients for one mode (read-only or not), built lazily: the factory runs the first time a step
 * actually calls a method, and at most once. `ctx.aws.route53.listResourceRecordSets(...)` goes
 * through a proxy that awaits the real client, so a playbook that never touches AWS never
 * imports the SDK.
 */
import type { StepFiles } from '../contract.js'
import type { AwsClients } from '../clients/aws-types.js'
import type { KubeApi } from '../clients/kube-types.js'
import type { TestWorlds } from '../clients/test-worlds.js'
import type { ClientFactories } from './types.js'
import { loadCloudWatch } from '../clients/aws.js'

export class ClientUnavailable extends Error {
  constructor(what: string) {
    super(`no ${what} client is configured for this invocation; run through the playbook CLI or pass a factory`)
  }
}

export class ClientPool {
  private awsP?: Promise<AwsClients>
  private kubeP?: Promise<KubeApi>
  private worlds?: TestWorlds
  private filesV?: StepFiles
  readonly aws: AwsClients
  readonly kube: KubeApi

  constructor(private readonly factories: ClientFactories, readonly readOnly: boolean) {
    const loadAws = () => {
      if (!factories.aws) return Promise.reject(new ClientUnavailable('AWS'))
      this.awsP ??= factories.aws({ readOnly })
      return this.awsP
    }
    const loadKube = () => {
      if (!factories.kube) return Promise.reject(new ClientUnavailable('Kubernetes'))
      this.kubeP ??= factories.kube({ readOnly })
      return this.kubeP
    }
    this.aws = {
      route53: methodsOf(() => loadAws().then((c) => c.route53)),
      ecs: methodsOf(() => loadAws().then((c) => c.ecs)),
      eventbridge: methodsOf(() => loadAws().then((c) => c.eventbridge)),
      scheduler: methodsOf(() => loadAws().then((c) => c.scheduler)),
      // Only gates read CloudWatch: its SDK package loads on the first alarm read.
      cloudwatch: methodsOf(() => loadAws().then(async (c) => (await loadCloudWatch(), c.cloudwatch))),
    } as unknown as AwsClients
    this.kube = methodsOf(loadKube) as unknown as KubeApi
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

  /** True once the AWS or Kubernetes factory has been called. */
  get built(): { aws: boolean; kube: boolean } {
    return { aws: this.awsP !== undefined, kube: this.kubeP !== undefined }
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
