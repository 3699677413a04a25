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
import { UsageError } from '../errors.js'
import type { Io } from './io.js'
import type { AwsTarget, Targets } from '../playbook/types.js'
import { checkProfiles } from './profiles.js'
import type { CredentialProvider } from '../clients/role.js'
import type { KubeDiscovery } from '../clients/kube-discovery.js'

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
  /** Named AWS targets and clusters a step may pick (from the playbook, or a run's journaled `where`). */
  targets?: Partial<Targets>
}

/** A step picked an AWS target or a cluster that this invocation does not know. */
export class TargetUnknown extends Error {
  constructor(kind: 'AWS target' | 'cluster', name: string, known: string[]) {
    super(`no ${kind} "${name}" is declared (known: ${known.join(', ') || 'none'}); declare it under \`${kind === 'cluster' ? 'clusters' : 'aws'}:\` in the playbook or its environment`)
  }
}

export async function openEdge(io: Io, opts: EdgeOptions): Promise<Edge> {
  let clock: Clock = systemClock
  let close = async () => {}
  if (opts.sandbox) {
    const { startSandbox } = await import('../../sandbox/index.js')
    const { runningServe, SandboxServing } = await import('../../sandbox/serve-marker.js')
    const sandboxDir = join(opts.stateDir, 'sandbox')
    // Two sandboxes over one state.json: whichever saves last would silently drop the other's changes.
    const serving = await runningServe(sandboxDir)
    if (serving) throw new UsageError(new SandboxServing(sandboxDir, serving).message)
    const sb = await startSandbox({ stateDir: sandboxDir, persist: true })
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
  return { clock, clients: await edgeClients(io, opts, clock), close }
}

/**
 * The client factories of `opts` on `clock`. Also for an edge already open (its sandbox's
 * variables set): a command that had to start the sandbox before it knew the targets (team state
 * in the sandbox's S3) builds them here once it has read them.
 */
export async function edgeClients(io: Io, opts: EdgeOptions, clock: Clock): Promise<ClientFactories> {
  // The sandbox (in process, or `sandbox serve` through PLAYBOOK_SANDBOX_URL) stands in for the
  // accounts and clusters the environment names. Profiles and contexts name real ones, so they are
  // ignored there (the sandbox's credentials and kubeconfig apply; a real profile's keys mean
  // nothing to it). A role is assumed all the same, against the sandbox's STS with the sandbox's
  // credentials, so a rehearsal exercises it: the target's calls are signed with the role's
  // session keys. A named AWS target keeps its region (the sandbox keeps resources per signed
  // region); a named cluster is the sandbox's context of the same name.
  const inSandbox = opts.sandbox || !!io.env.PLAYBOOK_SANDBOX_URL
  const awsTargets = opts.targets?.aws ?? {}
  const clusterTargets = opts.targets?.clusters ?? {}
  const resolved = (target: string | undefined): AwsTarget => {
    if (target === undefined) return { region: opts.region, profile: opts.profile }
    const named = Object.hasOwn(awsTargets, target) ? awsTargets[target] : undefined
    if (!named) throw new TargetUnknown('AWS target', target, Object.keys(awsTargets))
    // Unset parts fall back to the default target: its region, and its profile, which is also
    // where the credentials that assume a role come from.
    return { region: named.region ?? opts.region, profile: named.profile ?? opts.profile, ...(named.role ? { role: named.role } : {}) }
  }
  if (!inSandbox) {
    // Every profile the targets name must exist before the first call (exit 2, nothing called).
    const named = Object.keys(awsTargets).map((t) => ({ target: t as string | undefined, profile: resolved(t).profile }))
    const all = [{ target: undefined, profile: opts.profile }, ...named].filter((p): p is { target: string | undefined; profile: string } => p.profile !== undefined)
    await checkProfiles(io.env, all)
  }
  // One role session per target and run, shared by the preflight's read-only clients and the run's.
  const sessions = new Map<string, Promise<CredentialProvider>>()
  const sessionOf = (target: string | undefined, runId: string | undefined, role: string, region: string | undefined, profile: string | undefined) => {
    const key = `${target ?? ''}\n${runId ?? ''}`
    let p = sessions.get(key)
    if (!p) {
      const options = { roleArn: role, ...(target !== undefined ? { target } : {}), ...(runId !== undefined ? { runId } : {}), ...(region ? { region } : {}), ...(profile ? { profile } : {}), now: () => clock.now() }
      sessions.set(key, (p = import('../clients/role.js').then((m) => m.assumedRoleCredentials(options))))
    }
    return p
  }
  let discovery: KubeDiscovery | undefined
  const clients: ClientFactories = {
    aws: async ({ readOnly, target, runId }) => {
      const t = resolved(target)
      const { createLazyAwsClients } = await import('../clients/aws.js')
      // In the sandbox the role is assumed with the sandbox's credentials, and no profile applies.
      const profile = inSandbox ? undefined : t.profile
      const credentials = t.role ? { credentials: await sessionOf(target, runId, t.role, t.region, profile) } : {}
      return createLazyAwsClients({ region: t.region, readOnly, ...(profile ? { profile } : {}), ...credentials })
    },
    kube: async ({ readOnly, target }) => {
      let context = inSandbox ? undefined : opts.context
      if (target !== undefined) {
        const t = Object.hasOwn(clusterTargets, target) ? clusterTargets[target] : undefined
        if (!t) throw new TargetUnknown('cluster', target, Object.keys(clusterTargets))
        context = inSandbox ? target : t.context
      }
      const { createKubeApi, KubeDiscovery } = await import('../clients/kube.js')
      // One discovery for every client of the command: the preflight's and the run's ask once.
      discovery ??= new KubeDiscovery()
      return createKubeApi({ context, readOnly, discovery })
    },
    testWorlds: ({ readOnly }) => createTestWorlds({ readOnly }),
    ...(opts.playbookFile !== undefined ? { files: () => createStepFiles(dirname(resolve(opts.playbookFile!))) } : {}),
  }
  return clients
}
