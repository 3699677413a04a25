/**
 * k8s.patch of a Secret through the CLI with --sandbox: a JSON patch that tests one key, changes
 * one, adds one and removes one, every value read from the environment. No output channel
 * (stdout, stderr, JSON events, journal files, show, HTML, generated rollback) holds a value or
 * its base64; the plan still names each key as changed, added or removed; the run backs the
 * Secret up in its namespace (found by prune like k8s.apply's backups); run then rollback leaves
 * the Secret byte-identical and removes the backup.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../runner/cli/main.js'
import type { Io } from '../runner/cli/io.js'
import { createKubeApi } from '../runner/clients/kube.js'
import { startSandbox } from '../sandbox/index.js'
import { userView } from './helpers/k8s-sandbox.js'
import { CLEAR, PATCH_ENV, SEEDED, b64, patchPlaybook } from './helpers/secrets.js'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

const ORDERS_DB = { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'orders-db' }
const leaks = (text: string) => CLEAR.flatMap((v) => [v, b64(v)]).filter((v) => text.includes(v))

async function inSandbox<T>(state: string, f: (kube: Awaited<ReturnType<typeof createKubeApi>>) => Promise<T>): Promise<T> {
  const sb = await startSandbox({ stateDir: join(state, 'sandbox'), persist: true })
  try {
    return await f(await createKubeApi({ kubeconfigPath: sb.kubeconfigPath }))
  } finally {
    await sb.save()
    await sb.stop()
  }
}

describe('k8s.patch of a Secret (CLI, sandbox)', () => {
  it('masks every output, backs the Secret up, and restores it byte for byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secrets-patch-'))
    dirs.push(dir)
    const state = join(dir, 'state')
    const seeded = await inSandbox(state, async (kube) => {
      await kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-db', namespace: 'shop' }, type: 'Opaque', data: SEEDED })
      return kube.get(ORDERS_DB)
    })

    let all = ''
    const cli = async (...args: string[]) => {
      let out = ''
      let err = ''
      const io: Io = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), stdinIsTTY: false, stdoutIsTTY: false, env: { ...PATCH_ENV }, ask: async () => false }
      const code = await main(['--state-dir', state, ...args], io)
      all += out + err
      return { code, out, err }
    }
    const pb = join(dir, 'pb.yaml')
    await writeFile(pb, patchPlaybook)

    const planned = await cli('plan', pb, '--sandbox')
    expect(planned.code).toBe(0)
    expect(planned.out).toContain('/data/password (changed)')
    expect(planned.out).toContain('/data/token (added)')
    expect(planned.out).toContain('/data/extra (removed)')
    expect((await cli('--output', 'json', 'plan', pb, '--sandbox')).code).toBe(0)
    const ran = await cli('--output', 'json', 'run', pb, '--sandbox', '--yes')
    expect(ran.code).toBe(0)
    const runId = (JSON.parse(ran.out.split('\n')[0]) as { runId: string }).runId
    const backup = `orders-db-switchover-${runId}`

    await inSandbox(state, async (kube) => {
      expect((await kube.get(ORDERS_DB))?.data).toEqual({ username: SEEDED.username, password: PATCH_ENV.DB_PASSWORD, token: PATCH_ENV.DB_TOKEN })
      const backups = await kube.list('v1', 'Secret', { namespace: 'shop', labelSelector: `switchover.dev/run=${runId}` })
      expect(backups.map((b) => b.metadata.name)).toEqual([backup])
      expect(backups[0].data).toEqual(SEEDED)
      expect(backups[0].metadata.labels).toMatchObject({ 'switchover.dev/backup-of': 'orders-db' })
      expect(backups[0].metadata.annotations).toMatchObject({ 'switchover.dev/backup-of': 'Secret shop/orders-db', 'switchover.dev/type': 'Opaque' })
    })
    // A second run finds nothing to change (the masks of the live values match the desired ones).
    const again = await cli('--output', 'json', 'run', pb, '--sandbox', '--yes')
    expect(again.code).toBe(0)

    expect((await cli('show', runId)).code).toBe(0)
    expect((await cli('--output', 'json', 'show', runId, '--html', join(dir, 'report.html'))).code).toBe(0)
    const generated = await cli('rollback', '--generate', pb)
    expect(generated.code).toBe(0)
    expect(generated.out).toContain('${{ secrets.DB_PASSWORD }}')
    const pruned = await cli('prune', '--older-than', '0d', '--sandbox')
    expect(pruned.out).toContain(`would remove backup Secret shop/${backup}`)

    const back = await cli('rollback', runId, '--sandbox', '--yes')
    expect(back.code).toBe(0)

    let files = ''
    for (const f of await readdir(join(state, 'runs'))) files += await readFile(join(state, 'runs', f), 'utf8')
    expect(files).toContain('sha256:')
    expect(files).toContain(`shop/${backup}`)
    expect(leaks(files)).toEqual([])
    expect(leaks(await readFile(join(dir, 'report.html'), 'utf8'))).toEqual([])
    expect(leaks(all)).toEqual([])

    await inSandbox(state, async (kube) => {
      expect(userView(await kube.get(ORDERS_DB))).toEqual(userView(seeded))
      expect(await kube.list('v1', 'Secret', { namespace: 'shop', labelSelector: 'switchover.dev/run' })).toEqual([])
    })
  }, 120_000)
})
