/**
 * Secrets through the CLI with --sandbox: a playbook creates one Secret and changes another. No
 * output channel (stdout, stderr, JSON events, journal files, show, HTML, generated rollback)
 * holds a value or its base64; the journal files are 0600 and their directory 0700; run then
 * rollback leaves the changed Secret's data byte-identical and the created one gone, and removes
 * the backup the run made.
 */
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../runner/cli/main.js'
import type { Io } from '../runner/cli/io.js'
import { createKubeApi } from '../runner/clients/kube.js'
import { startSandbox } from '../sandbox/index.js'
import { CLEAR, SEEDED, b64, secretsPlaybook } from './helpers/secrets.js'

const root = resolve(import.meta.dirname, '..')
const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

function leaks(text: string): string[] {
  return CLEAR.flatMap((v) => [v, b64(v)]).filter((v) => text.includes(v))
}

describe('secrets stay secret (CLI, sandbox)', () => {
  it('masks every output, keeps the state files private, and restores exactly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secrets-cli-'))
    dirs.push(dir)
    const state = join(dir, 'state')
    const sb = await startSandbox({ stateDir: join(state, 'sandbox'), persist: true })
    const kube = await createKubeApi({ kubeconfigPath: sb.kubeconfigPath })
    await kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-db', namespace: 'shop' }, type: 'Opaque', data: SEEDED })
    const seeded = await kube.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'orders-db' })
    await sb.save()
    await sb.stop()

    let all = ''
    const cli = async (...args: string[]) => {
      let out = ''
      let err = ''
      const io: Io = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stdinIsTTY: false, stdoutIsTTY: false, env: {}, ask: async () => false }
      const code = await main(['--state-dir', state, ...args], io)
      all += out + err
      return { code, out, err }
    }
    const pb = join(dir, 'pb.yaml')
    await writeFile(pb, secretsPlaybook(join(root, 'fixtures/manifests/secrets')))

    const planned = await cli('plan', pb, '--sandbox')
    expect(planned.code).toBe(0)
    expect(planned.out).toMatch(/data\.password.*changed/)
    expect((await cli('--output', 'json', 'plan', pb, '--sandbox')).code).toBe(0)
    const ran = await cli('--output', 'json', 'run', pb, '--sandbox', '--yes')
    expect(ran.code).toBe(0)
    const runId = (JSON.parse(ran.out.split('\n')[0]) as { runId: string }).runId

    const sb2 = await startSandbox({ stateDir: join(state, 'sandbox'), persist: true })
    const kube2 = await createKubeApi({ kubeconfigPath: sb2.kubeconfigPath })
    const changed = await kube2.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'orders-db' })
    expect((changed?.data as Record<string, string>).password).toBe(b64('new-db-password-7f3k'))
    const backups = await kube2.list('v1', 'Secret', { namespace: 'shop', labelSelector: `switchover.dev/run=${runId}` })
    expect(backups.map((b) => b.metadata.name)).toEqual([`orders-db-switchover-${runId}`])
    expect(backups[0].data).toEqual(SEEDED)
    await sb2.stop()

    expect((await cli('show', runId)).code).toBe(0)
    expect((await cli('--output', 'json', 'show', runId, '--html', join(dir, 'report.html'))).code).toBe(0)
    expect((await cli('rollback', '--generate', pb)).code).toBe(0)
    const back = await cli('rollback', runId, '--sandbox', '--yes')
    expect(back.code).toBe(0)

    const runsDir = join(state, 'runs')
    let files = ''
    for (const f of await readdir(runsDir)) {
      expect((await stat(join(runsDir, f))).mode & 0o777).toBe(0o600)
      files += await readFile(join(runsDir, f), 'utf8')
    }
    expect((await stat(state)).mode & 0o777).toBe(0o700)
    expect((await stat(runsDir)).mode & 0o777).toBe(0o700)
    expect(files).toContain('sha256:')
    expect(leaks(files)).toEqual([])
    expect(leaks(await readFile(join(dir, 'report.html'), 'utf8'))).toEqual([])
    expect(leaks(all)).toEqual([])

    const sb3 = await startSandbox({ stateDir: join(state, 'sandbox'), persist: true })
    const kube3 = await createKubeApi({ kubeconfigPath: sb3.kubeconfigPath })
    const restored = await kube3.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'orders-db' })
    expect(restored?.data).toEqual(seeded?.data)
    expect(restored?.type).toBe(seeded?.type)
    expect(await kube3.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'payments-api' })).toBeNull()
    expect(await kube3.list('v1', 'Secret', { namespace: 'shop', labelSelector: 'switchover.dev/run' })).toEqual([])
    await sb3.stop()
  }, 120_000)

  it('prune: dry run lists the journal and the backup of a finished run; --apply removes both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secrets-prune-'))
    dirs.push(dir)
    const state = join(dir, 'state')
    const sb = await startSandbox({ stateDir: join(state, 'sandbox'), persist: true })
    await (await createKubeApi({ kubeconfigPath: sb.kubeconfigPath })).create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-db', namespace: 'shop' }, type: 'Opaque', data: SEEDED })
    await sb.save()
    await sb.stop()
    const cli = async (...args: string[]) => {
      let out = ''
      const io: Io = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), stdinIsTTY: false, stdoutIsTTY: false, env: {}, ask: async () => false }
      return { code: await main(['--state-dir', state, ...args], io), out }
    }
    const pb = join(dir, 'pb.yaml')
    await writeFile(pb, secretsPlaybook(join(root, 'fixtures/manifests/secrets')))
    expect((await cli('run', pb, '--sandbox', '--yes')).code).toBe(0)
    const [file] = await readdir(join(state, 'runs'))
    const runId = file.replace('.jsonl', '')
    const backup = `shop/orders-db-switchover-${runId}`

    expect((await cli('prune', '--older-than', '30d', '--sandbox')).out).toContain('would remove 0 journals and 0 backups')
    const dry = await cli('prune', '--older-than', '0d', '--sandbox')
    expect(dry.code).toBe(0)
    expect(dry.out).toContain(`would remove journal ${runId}`)
    expect(dry.out).toContain(`would remove backup Secret ${backup}`)
    expect(await readdir(join(state, 'runs'))).toEqual([file])

    expect((await cli('prune', '--older-than', '0d', '--sandbox', '--apply')).code).toBe(0)
    expect(await readdir(join(state, 'runs'))).toEqual([])
    const sb2 = await startSandbox({ stateDir: join(state, 'sandbox'), persist: true })
    const kube = await createKubeApi({ kubeconfigPath: sb2.kubeconfigPath })
    expect(await kube.list('v1', 'Secret', { namespace: 'shop', labelSelector: 'switchover.dev/run' })).toEqual([])
    await sb2.stop()
  }, 60_000)
})
