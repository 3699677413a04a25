/**
 * `playbook sandbox serve` as users run it: its own process, printing the `export` lines a shell
 * needs. Independent clients (kubectl, the AWS CLI, when installed) then work against it with
 * nothing but those variables, and SIGTERM saves the estate so `sandbox dump` shows the change.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { cli, cliArgs } from './helpers/cli.js'
import { ROOT } from './helpers/reference-run.js'

const run = promisify(execFile)
const installed = (cmd: string, args: string[]) => run(cmd, args).then(() => true, () => false)
const hasKubectl = await installed('kubectl', ['version', '--client'])
const hasAws = await installed('aws', ['--version'])

let dir: string | undefined
let serve: ChildProcess | undefined
afterEach(async () => {
  if (serve && serve.exitCode === null) {
    serve.kill('SIGKILL')
    await new Promise((r) => serve!.once('exit', r))
  }
  if (dir) await rm(dir, { recursive: true, force: true })
  serve = undefined
  dir = undefined
})

/** Starts `playbook sandbox serve` and returns the variables its `export` lines set. */
async function startServe(stateDir: string): Promise<Record<string, string>> {
  const env = { ...process.env }
  delete env.PLAYBOOK_SANDBOX_URL
  serve = spawn(process.execPath, cliArgs(stateDir, ['sandbox', 'serve']), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  return new Promise((resolve, reject) => {
    serve!.once('exit', (code) => reject(new Error(`sandbox serve exited with ${code}: ${out}`)))
    serve!.stdout!.setEncoding('utf8').on('data', (t: string) => {
      out += t
      const vars = Object.fromEntries([...out.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2].replace(/^'|'$/g, '')]))
      if (vars.KUBECONFIG && vars.AWS_ENDPOINT_URL && vars.PLAYBOOK_SANDBOX_URL) resolve(vars)
    })
  })
}

async function client(cmd: string, args: string[], vars: Record<string, string>): Promise<string> {
  const { stdout } = await run(cmd, args, { env: { ...process.env, ...vars, AWS_PAGER: '' } })
  return stdout
}

describe('playbook sandbox serve', () => {
  it('prints the exports a shell needs, on loopback; SIGTERM saves the estate', async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchover-serve-'))
    const vars = await startServe(join(dir, 'state'))
    expect(vars.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(vars.AWS_REGION).toBe('us-east-1')
    expect(vars.AWS_ACCESS_KEY_ID).toBeTruthy()
    // The control API answers on the printed address.
    const clock = (await (await fetch(`${vars.PLAYBOOK_SANDBOX_URL}/_sandbox/clock`)).json()) as { now: number }
    expect(clock.now).toBeGreaterThan(0)
    serve!.kill('SIGTERM')
    expect(await new Promise((r) => serve!.once('exit', r))).toBe(0)
    const dump = await cli(ROOT, join(dir, 'state'), ['sandbox', 'dump'])
    expect(dump.code).toBe(0)
    expect(JSON.parse(dump.out)).toHaveProperty('route53')
  }, 60_000)

  it.runIf(hasKubectl)('kubectl gets, applies and patches objects with only the exported KUBECONFIG', async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchover-serve-'))
    const vars = await startServe(join(dir, 'state'))
    expect(await client('kubectl', ['get', 'namespaces', '-o', 'name'], vars)).toContain('namespace/shop')
    const applied = await client('kubectl', ['apply', '-f', join(ROOT, 'fixtures/manifests/shop'), '-f', join(ROOT, 'fixtures/manifests/cronjobs/prod.yaml'), '-n', 'shop'], vars)
    expect(applied).toContain('deployment.apps/orders created')
    await client('kubectl', ['patch', 'cronjob', 'orders-hourly-report', '-n', 'shop', '--type', 'merge', '-p', '{"spec":{"suspend":true}}'], vars)
    const suspend = await client('kubectl', ['get', 'cronjob', 'orders-hourly-report', '-n', 'shop', '-o', 'jsonpath={.spec.suspend}'], vars)
    expect(suspend).toBe('true')
  }, 60_000)

  it.runIf(hasAws)('the AWS CLI lists zones and describes a rule with only the exported variables', async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchover-serve-'))
    const vars = await startServe(join(dir, 'state'))
    const zones = JSON.parse(await client('aws', ['route53', 'list-hosted-zones', '--output', 'json'], vars)) as { HostedZones: Array<{ Name: string }> }
    expect(zones.HostedZones.map((z) => z.Name)).toContain('example.com.')
    const rule = JSON.parse(await client('aws', ['events', 'describe-rule', '--name', 'prod-orders-hourly-report', '--output', 'json'], vars)) as { State: string }
    expect(rule.State).toBe('ENABLED')
  }, 60_000)
})
