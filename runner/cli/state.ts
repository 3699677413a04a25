/**
 * The state backend a command uses: the local state directory (default), or team state on S3
 * when `--state s3://BUCKET/PREFIX`, PLAYBOOK_STATE or the playbook's `state:` says so (first
 * given wins). The S3 client is built lazily from the SDK's chain with the environment's region
 * and profile, and with `--sandbox` or PLAYBOOK_SANDBOX_URL it reaches the sandbox's S3.
 */
import type { Emit } from '../events.js'
import type { Journal } from '../journal/journal.js'
import { acquireLock, type Lock } from '../lock.js'
import { UsageError } from '../errors.js'
import { chooseState, type StateLocation } from '../state/location.js'
import type { Io } from './io.js'
import type { GlobalOptions } from './shared.js'

export type StateBackend = {
  /** `s3://BUCKET/PREFIX` or the local directory, for messages. */
  readonly label: string
  /** True for team state (S3): the in-process sandbox must be up before it is reached. */
  readonly remote: boolean
  readonly journal: Journal
  /** Take the state's lock for `command` (exit 4 via LockedError when another run holds it). */
  lock(emit: Emit, command: string): Promise<Lock>
}

export type StateOptions = { playbookState?: string; region?: string; profile?: string; sandbox?: boolean }

/** The S3 location chosen by flag, environment or playbook, or undefined for the local directory. */
export function stateLocation(io: Io, g: GlobalOptions, playbookState?: string): StateLocation | undefined {
  return chooseState({ flag: g.state, env: io.env.PLAYBOOK_STATE, playbook: playbookState })
}

export async function openState(io: Io, g: GlobalOptions, opts: StateOptions = {}): Promise<StateBackend> {
  const at = stateLocation(io, g, opts.playbookState)
  if (!at) {
    if (g.stateKmsKey) throw new UsageError('--state-kms-key applies to team state only: give --state s3://BUCKET/PREFIX too')
    const { FileJournal } = await import('../journal/file.js')
    return { label: g.stateDir, remote: false, journal: new FileJournal(g.stateDir), lock: (emit) => acquireLock(g.stateDir, emit) }
  }
  const [{ S3Store }, { S3Journal }, { acquireS3Lock }] = await Promise.all([import('../state/s3-store.js'), import('../journal/s3.js'), import('../state/s3-lock.js')])
  // The sandbox is one account: a real profile would hide its credentials (as for the steps).
  const inSandbox = !!opts.sandbox || !!io.env.PLAYBOOK_SANDBOX_URL
  const store = new S3Store(at, { region: opts.region, profile: inSandbox ? undefined : opts.profile, kmsKeyId: g.stateKmsKey })
  return { label: store.url, remote: true, journal: new S3Journal(store), lock: (emit, command) => acquireS3Lock(store, emit, { command }) }
}

/** The S3 store alone (for `unlock`); a usage error when the state is local. */
export async function openS3Store(io: Io, g: GlobalOptions) {
  const at = stateLocation(io, g)
  if (!at) throw new UsageError(`unlock breaks a lock of team state: give --state s3://BUCKET/PREFIX (or PLAYBOOK_STATE); a local lock in ${g.stateDir} is broken by itself once its process is gone`)
  const { S3Store } = await import('../state/s3-store.js')
  return new S3Store(at, { kmsKeyId: g.stateKmsKey })
}
