/** A sandbox with real SDK clients (read-write and read-only) for the AWS step tests. */
import { createAwsClients, type CountedAwsClients } from '../../runner/clients/aws.js'
import type { Estate } from '../../sandbox/estate.js'
import { startSandbox, type RunningSandbox } from '../../sandbox/index.js'
import type { SandboxConfig } from '../../sandbox/types.js'

export type AwsSandbox = {
  sb: RunningSandbox
  aws: CountedAwsClients
  readOnly: CountedAwsClients
  /** Calls served since `mark()`. */
  since(mark: number): ReturnType<RunningSandbox['calls']>
  mark(): number
  stop(): Promise<void>
}

export async function awsSandbox(opts: { estate?: Estate; config?: Partial<SandboxConfig> } = {}): Promise<AwsSandbox> {
  const sb = await startSandbox({ estate: opts.estate, config: opts.config })
  const aws = await createAwsClients({ env: sb.env })
  const readOnly = await createAwsClients({ env: sb.env, readOnly: true })
  return {
    sb,
    aws,
    readOnly,
    mark: () => sb.calls().length,
    since: (m) => sb.calls().slice(m),
    stop: () => sb.stop(),
  }
}

/** Mutating calls (answered, not faulted) since `mark`. */
export const mutating = (s: AwsSandbox, mark: number) => s.since(mark).filter((c) => c.mutating)
