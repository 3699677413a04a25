/**
 * The `playbook` command line: commander wiring only. Every command returns an exit code; the
 * entrypoint (runner/cli.ts) is the only place that sets it. Errors map to the documented exit
 * codes: 2 usage or invalid playbook, 4 locked; anything unexpected is reported with its cause.
 */
import { redactText } from '../render/redact.js'
import { Command, CommanderError, Option } from 'commander'
import { UsageError, messageOf } from '../errors.js'
import { LockedError } from '../lock.js'
import type { Io } from './io.js'
import { EXIT, InvalidPlaybook, parseVars, type GlobalOptions, type Registry } from './shared.js'

const collect = (v: string, prev: string[]) => [...prev, v]

/** What the command line takes from its caller besides argv and the process. */
export type CliDeps = {
  /** The step types playbooks may use; default: the product's registry (steps/index.ts). */
  registry?: () => Promise<Registry>
}

export async function main(argv: string[], rawIo: Io, deps: CliDeps = {}): Promise<number> {
  // Every byte the CLI writes passes the redactor: no resolved credential reaches a terminal or a CI log.
  const io: Io = { ...rawIo, stdout: (t) => rawIo.stdout(redactText(t)), stderr: (t) => rawIo.stderr(redactText(t)) }
  const registry = deps.registry ?? (async () => (await import('./registry.js')).registry())
  let code: number = EXIT.ok
  const program = new Command('playbook')
    .description('Run YAML switchover playbooks (ECS to EKS) and roll them back.')
    .option('--state-dir <dir>', 'journal, lock and sandbox state', '.playbook')
    .option('--state <s3-url>', 'team state: journal and lock in s3://BUCKET/PREFIX (also PLAYBOOK_STATE, or the playbook\'s state:)')
    .option('--state-kms-key <key>', 'encrypt team state with this KMS key (SSE-KMS; default SSE-S3)')
    .addOption(new Option('--output <format>', 'text, or json: one JSON event per line').choices(['text', 'json']).default('text'))
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)')
  const globals = (cmd: Command): GlobalOptions => {
    const o = cmd.optsWithGlobals() as Omit<GlobalOptions, 'registry'>
    return { stateDir: o.stateDir, output: o.output, registry, ...(o.state ? { state: o.state } : {}), ...(o.stateKmsKey ? { stateKmsKey: o.stateKmsKey } : {}) }
  }
  // Ctrl-C stops a command at once with exit 130 and one message; `run` sets its own handler
  // (it stops after journaling the current step) and `sandbox serve` keeps its own (save, stop).
  const act = (fn: (...args: any[]) => Promise<number>, onCtrlC: string | null = 'stopped at once') => async (...args: any[]) => {
    const off = onCtrlC === null ? undefined : io.onInterrupt?.(() => {
      io.stderr(`\ninterrupted: ${onCtrlC} (exit ${EXIT.interrupted})\n`)
      io.exitNow?.(EXIT.interrupted)
    })
    try {
      code = await fn(...args)
    } finally {
      off?.()
    }
  }
  const CHANGES_NOTHING = 'stopped at once; nothing was changed'
  const playbookOptions = (c: Command) =>
    c.option('--env <name>', 'environment of the playbook').option('--var <name=value>', 'override a var (repeatable)', collect, [])

  playbookOptions(program.command('validate <file>').description('check a playbook; every problem as file:line:col'))
    .action(act(async (file: string, o: { env?: string; var: string[] }, cmd: Command) => {
      const { validateCommand, problemJson } = await import('../playbook/index.js')
      const g = globals(cmd)
      const r = await validateCommand(file, { env: o.env, vars: parseVars(o.var), registry: await g.registry() })
      if (g.output === 'json') {
        // stdout carries the problems only, one JSON object a line; the summary goes to stderr.
        for (const p of r.problems) io.stdout(JSON.stringify(problemJson(p)) + '\n')
        io.stderr(r.summary + '\n')
      } else for (const l of r.lines) (r.exitCode === 0 ? io.stdout : io.stderr)(l + '\n')
      return r.exitCode
    }, CHANGES_NOTHING))

  const runLike = (c: Command) =>
    playbookOptions(c)
      .option('--context <name>', 'kubeconfig context (default: the environment\'s)')
      .option('--sandbox', 'run against the in-process sandbox (state in <state-dir>/sandbox)')
      .option('--from <step>', 'start at this step')
      .option('--only <step>', 'run only this step')
      .option('--skip-ttl-wait', 'do not wait for lowered TTLs to expire (risky)')
  runLike(program.command('plan <file>').description('read live state and show what would change'))
    .action(act(async (file: string, o: object, cmd: Command) => (await import('./run-command.js')).runCommand(io, globals(cmd), file, o, 'plan'), CHANGES_NOTHING))
  runLike(program.command('run <file>').description('run a playbook (resumes an interrupted run of the same file)'))
    .option('--dry-run', 'plan only: no change is made')
    .option('--yes', 'approve every pause in advance')
    .option('--force', 'pass safety thresholds and drift checks')
    .action(act(async (file: string, o: object, cmd: Command) => (await import('./run-command.js')).runCommand(io, globals(cmd), file, o, 'run'), 'stopped at once; nothing was changed yet'))

  program
    .command('rollback [run-id]')
    .description('undo what a run changed, newest step first; or --generate a rollback playbook')
    .option('--last', 'the latest run')
    .option('--force', 'overwrite drifted items and pass irreversible steps')
    .option('--yes', 'do not ask for approval')
    .option('--generate <file>', 'print the rollback playbook of <file> as YAML')
    .option('--env <name>', 'environment (with --generate)')
    .option('--var <name=value>', 'override a var (with --generate)', collect, [])
    .option('--context <name>', 'kubeconfig context (default: the one the run used)')
    .option('--sandbox', 'against the in-process sandbox')
    .action(act(async (runId: string | undefined, o: object, cmd: Command) => (await import('./rollback-command.js')).rollbackCommand(io, globals(cmd), runId, o),
      'the rollback stopped at once; what it restored is journaled: run the same command again to finish it'))

  program
    .command('prune')
    .description('remove journals and in-cluster Secret backups of finished runs older than --older-than (dry run unless --apply)')
    .requiredOption('--older-than <age>', 'age such as 30d or 12h')
    .option('--apply', 'remove them (default: only print what would be removed)')
    .option('--no-cluster', 'journals only: do not look for backup Secrets')
    .option('--context <name>', 'kubeconfig context holding the backups')
    .option('--sandbox', 'against the in-process sandbox')
    .action(act(async (o: { olderThan: string }, cmd: Command) => (await import('./prune-command.js')).pruneCommand(io, globals(cmd), o)))

  program
    .command('history')
    .description('runs in the state directory (or team state), newest first')
    .option('--sandbox', 'team state in the in-process sandbox\'s S3')
    .action(act(async (o: { sandbox?: boolean }, cmd: Command) => (await import('./history-command.js')).historyCommand(io, globals(cmd), o), CHANGES_NOTHING))
  program
    .command('show <run-id>')
    .description('one run: steps, items, facts, waits, errors')
    .option('--html <file>', 'also write an HTML report')
    .option('--sandbox', 'team state in the in-process sandbox\'s S3')
    .action(act(async (runId: string, o: { html?: string; sandbox?: boolean }, cmd: Command) => (await import('./history-command.js')).showCommand(io, globals(cmd), runId, o), CHANGES_NOTHING))

  program
    .command('unlock <lock-id>')
    .description('break a stale team-state lock (the id its "locked" message names), like terraform force-unlock')
    .option('--force', 'also break a lock whose heartbeat is live (its run may still be writing)')
    .option('--sandbox', 'team state in the in-process sandbox\'s S3')
    .action(act(async (lockId: string, o: { force?: boolean; sandbox?: boolean }, cmd: Command) => (await import('./history-command.js')).unlockCommand(io, globals(cmd), lockId, o)))

  const sandbox = program.command('sandbox').description('local AWS and Kubernetes endpoints seeded from fixtures')
  sandbox
    .command('serve')
    .option('--estate <file>', 'seed estate (default: the saved state, else the reference estate)')
    .option('--port <n>', 'port on 127.0.0.1 (default: a free one)')
    .action(act(async (o: object, cmd: Command) => (await import('./sandbox-command.js')).sandboxServe(io, globals(cmd), o), null))
  sandbox
    .command('dump')
    .option('--ledger', 'include the cron ledger, Jobs and Events')
    .action(act(async (o: object, cmd: Command) => (await import('./sandbox-command.js')).sandboxDump(io, globals(cmd), o)))
  sandbox
    .command('reset')
    .option('--estate <file>', 'estate to reset to (default: the reference estate)')
    .action(act(async (o: object, cmd: Command) => (await import('./sandbox-command.js')).sandboxReset(io, globals(cmd), o)))
  sandbox
    .command('prom')
    .description('set what the sandbox\'s Prometheus /api/v1/query answers for a query')
    .argument('<action>', 'set')
    .argument('<query>', 'the PromQL text, exactly as the gate sends it')
    .argument('<value>', 'a number, or "none" to clear it')
    .option('--url <url>', 'a running sandbox (default: $PLAYBOOK_SANDBOX_URL, else the saved state)')
    .action(act(async (action: string, query: string, value: string, o: { url?: string }, cmd: Command) =>
      (await import('./sandbox-command.js')).sandboxProm(io, globals(cmd), action, query, value, o)))

  try {
    await program.parseAsync(argv, { from: 'user' })
    return code
  } catch (e) {
    return exitCodeOf(e, io)
  }
}

function exitCodeOf(e: unknown, io: Io): number {
  if (e instanceof CommanderError) {
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? EXIT.ok : EXIT.usage
  }
  if (e instanceof InvalidPlaybook) {
    io.stderr(`${e.message}\n`)
    return EXIT.usage
  }
  if (e instanceof UsageError) {
    io.stderr(`error: ${e.message}\n`)
    return EXIT.usage
  }
  if (e instanceof LockedError) {
    io.stderr(`error: ${e.message}\n`)
    return EXIT.locked
  }
  io.stderr(`error: ${messageOf(e)}\n`)
  let cause = (e as { cause?: unknown })?.cause
  while (cause) {
    io.stderr(`  caused by: ${messageOf(cause)}\n`)
    cause = (cause as { cause?: unknown }).cause
  }
  return EXIT.failed
}
