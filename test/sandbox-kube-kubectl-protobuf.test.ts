/**
 * The real kubectl against `playbook sandbox serve` (a process of its own, on 127.0.0.1 with a
 * port it picks), where kubectl speaks protobuf: `create secret generic`, `create deployment`,
 * `create cronjob` and `create job --from` send their bodies as protobuf and ask for protobuf
 * answers (the AlreadyExists Status among them); `scale`, `get -o json` and `edit` (KUBE_EDITOR
 * set to a script that edits the file) read and patch what those created, in JSON. Skipped, saying so, where kubectl is not installed.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliArgs } from './helpers/cli.js'
import { ROOT } from './helpers/reference-run.js'

const run = promisify(execFile)
const kubectlVersion = await run('kubectl', ['version', '--client', '-o', 'json']).then(
  ({ stdout }) => (JSON.parse(stdout) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion,
  () => null,
)
const title = kubectlVersion ? `kubectl ${kubectlVersion} (protobuf) against sandbox serve` : 'kubectl against sandbox serve: skipped, kubectl is not installed on this machine'

let dir: string
let serve: ChildProcess | undefined
let env: Record<string, string | undefined>

async function kubectl(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run('kubectl', args, { env })
    return { code: 0, out: stdout, err: stderr }
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string }
    return { code: x.code ?? 1, out: x.stdout ?? '', err: x.stderr ?? '' }
  }
}
const getJson = async (...args: string[]) => JSON.parse((await kubectl('get', ...args, '-o', 'json')).out) as Record<string, any>

describe.skipIf(!kubectlVersion)(title, () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchover-kubectl-pb-'))
    const childEnv = { ...process.env }
    delete childEnv.PLAYBOOK_SANDBOX_URL
    serve = spawn(process.execPath, cliArgs(join(dir, 'state'), ['sandbox', 'serve']), { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const kubeconfig = await new Promise<string>((resolve, reject) => {
      serve!.once('exit', (code) => reject(new Error(`sandbox serve exited with ${code}: ${out}`)))
      serve!.stdout!.setEncoding('utf8').on('data', (t: string) => {
        out += t
        const m = /^export KUBECONFIG=(\S+)$/m.exec(out)
        if (m && /^export PLAYBOOK_SANDBOX_URL=/m.test(out)) resolve(m[1]!.replace(/^'|'$/g, ''))
      })
    })
    env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir }
  })
  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      serve.kill('SIGTERM')
      await new Promise((r) => serve!.once('exit', r))
    }
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('creates a generic Secret (protobuf body) and reads it back as JSON', async () => {
    const created = await kubectl('-n', 'shop-test', 'create', 'secret', 'generic', 'db', '--from-literal=password=x')
    expect(created).toMatchObject({ code: 0, out: 'secret/db created\n' })
    const secret = await getJson('-n', 'shop-test', 'secret', 'db')
    expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop-test' }, data: { password: 'eA==' } })
    const again = await kubectl('-n', 'shop-test', 'create', 'secret', 'generic', 'db', '--from-literal=password=x')
    expect(again.code).not.toBe(0)
    expect(again.err).toContain('secrets "db" already exists')
  })

  it('creates a Deployment, scales it and edits it', async () => {
    expect((await kubectl('-n', 'shop', 'create', 'deployment', 'cart', '--image=cart:1', '--replicas=2')).out).toBe('deployment.apps/cart created\n')
    expect((await kubectl('-n', 'shop', 'scale', 'deployment', 'cart', '--replicas=5')).out).toBe('deployment.apps/cart scaled\n')
    expect((await getJson('-n', 'shop', 'deployment', 'cart')).spec.replicas).toBe(5)

    const editor = join(dir, 'edit.sh')
    await writeFile(editor, `#!/bin/sh\nsed -i 's/image: cart:1/image: cart:2/' "$1"\n`)
    await chmod(editor, 0o755)
    const edited = await run('kubectl', ['-n', 'shop', 'edit', 'deployment', 'cart'], { env: { ...env, KUBE_EDITOR: editor } })
    expect(edited.stdout).toBe('deployment.apps/cart edited\n')
    const cart = await getJson('-n', 'shop', 'deployment', 'cart')
    expect(cart.spec.template.spec.containers).toEqual([{ name: 'cart', image: 'cart:2', resources: {} }])
    expect(cart.metadata.generation).toBe(3)
  })

  it('creates a CronJob and a Job from it (both protobuf bodies)', async () => {
    expect((await kubectl('-n', 'shop', 'create', 'cronjob', 'nightly', '--image=job:1', '--schedule=0 2 * * *', '--', 'report')).code).toBe(0)
    expect((await kubectl('-n', 'shop', 'create', 'job', 'nightly-manual', '--from=cronjob/nightly')).out).toBe('job.batch/nightly-manual created\n')
    const job = await getJson('-n', 'shop', 'job', 'nightly-manual')
    const cron = await getJson('-n', 'shop', 'cronjob', 'nightly')
    expect(job.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: cron.metadata.uid, controller: true }])
    expect(job.spec.template.spec.containers[0]).toMatchObject({ image: 'job:1', command: ['report'] })
  })
})
