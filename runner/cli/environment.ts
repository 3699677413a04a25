/**
 * The edge where a command gets its clock and clients: the in-process sandbox (`--sandbox`), a
 * separate sandbox (PLAYBOOK_SANDBOX_URL: remote virtual clock), or the real world. Clients are
 * factories: nothing is imported or constructed until a step touches ctx.aws / ctx.kube.
 */
import { dirname, join, resolve } from 'node:path'
import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'
import type { ClientFactories } from '../engine/types.js'
import { createTestWorlds } from '../clients/test-worlds.js'
import { createStepFiles } from '../clients/files.js'
import type { Io } from './io.js'

export type Edge = {
  clock: Clock
  clients: ClientFactories
  /** Saves and stops the in-process sandbox, if one was started. */
  close(): Promise<void>
}

export type EdgeOptions = {
  stateDir: string
  /** The playbook file: steps read manifests relative to its directory. */
  playbookFile?: string
  sandbox: boolean
  region?: string
  profile?: string
  context?: string
}

export async function openEdge(io: Io, opts: EdgeOptions): Promise<Edge> {
  let clock: Clock = systemClock
  let close = async () => {}
  if (opts.sandbox) {
    const { startSandbox } = await import('../../sandbox/index.js')
    const sb = await startSandbox({ stateDir: join(opts.stateDir, 'sandbox'), persist: true })
    // Clients read the SDK's and kubectl's own variables; point them at the sandbox.
    for (const [k, v] of Object.entries(sb.env)) {
      io.env[k] = v
      process.env[k] = v
    }
    clock = sb.clock
    close = async () => {
      try {
        await sb.save()
      } finally {
        await sb.stop()
      }
    }
  } else if (io.env.PLAYBOOK_SANDBOX_URL) {
    const { createRemoteClock } = await import('../clients/remote-clock.js')
    clock = await createRemoteClock(io.env.PLAYBOOK_SANDBOX_URL)
  }
  // The sandbox (in process, or `sandbox serve` through PLAYBOOK_SANDBOX_URL) is one account and
  // one cluster: the environment's profile and context name real ones, so they are ignored there
  // (the sandbox's env and kubeconfig apply; an explicit profile would hide its credentials).
  const inSandbox = opts.sandbox || !!io.env.PLAYBOOK_SANDBOX_URL
  const profile = inSandbox ? undefined : opts.profile
  const context = inSandbox ? undefined : opts.context
  const clients: ClientFactories = {
    aws: async ({ readOnly }) => {
      const { createLazyAwsClients } = await import('../clients/aws.js')
      return createLazyAwsClients({ region: opts.region, profile, readOnly })
    },
    kube: async ({ readOnly }) => {
      const { createKubeApi } = await import('../clients/kube.js')
      return createKubeApi({ context, readOnly })
    },
    testWorlds: ({ readOnly }) => createTestWorlds({ readOnly }),
    ...(opts.playbookFile !== undefined ? { files: () => createStepFiles(dirname(resolve(opts.playbookFile!))) } : {}),
  }
  return { clock, clients, close }
}
