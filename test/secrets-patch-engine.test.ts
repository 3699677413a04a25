/**
 * k8s.patch backups under crashes and tampering, in process against the sandbox: a run killed
 * between writing the Secret's backup and patching the Secret resumes and rolls back exactly; a
 * backup deleted by hand makes the rollback stop (exit 3) naming the backup. Neither the journal
 * nor the engine's events ever hold a value.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createKubeApi } from '../runner/clients/kube.js'
import type { KubeApi } from '../runner/clients/kube-types.js'
import { FileJournal } from '../runner/journal/file.js'
import { ProcessDied, dyingJournal } from './helpers/dying-journal.js'
import { userView } from './helpers/k8s-sandbox.js'
import { openWorld, rollbackLast, runReference, type World } from './helpers/reference-run.js'
import { CLEAR, PATCH_ENV, SEEDED, b64, patchPlaybook } from './helpers/secrets.js'

const worlds: World[] = []
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.stop()
})

const ORDERS_DB = { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'orders-db' }
const leaks = (text: string) => CLEAR.flatMap((v) => [v, b64(v)]).filter((v) => text.includes(v))

async function setup(): Promise<{ w: World; kube: KubeApi; file: string; seeded: unknown }> {
  const w = await openWorld()
  worlds.push(w)
  const kube = await createKubeApi({ kubeconfigPath: w.sb.kubeconfigPath })
  await kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-db', namespace: 'shop' }, type: 'Opaque', data: SEEDED })
  const file = join(w.stateDir, 'pb.yaml')
  await writeFile(file, `${patchPlaybook}environments: { prod: {} }\n`)
  return { w, kube, file, seeded: userView(await kube.get(ORDERS_DB)) }
}
const backups = (kube: KubeApi) => kube.list('v1', 'Secret', { namespace: 'shop', labelSelector: 'switchover.dev/run' })
const journalText = async (w: World) => {
  let out = ''
  for (const id of await w.journal.runs()) out += JSON.stringify(await w.journal.read(id))
  return out
}

describe('k8s.patch Secret backups', () => {
  it('a run killed between the backup and the patch resumes and rolls back exactly', async () => {
    const { w, kube, file, seeded } = await setup()
    const disk = w.journal
    ;(w as { journal: unknown }).journal = dyingJournal(disk, (e) => e.t === 'fact' && e.kind === 'k8s.secret-backup')
    await expect(runReference(w, 'prod', { file, secrets: PATCH_ENV })).rejects.toThrow(ProcessDied)
    const [runId] = await disk.runs()
    expect((await backups(kube)).map((b) => b.metadata.name)).toEqual([`orders-db-switchover-${runId}`])
    expect(userView(await kube.get(ORDERS_DB))).toEqual(seeded)

    ;(w as { journal: unknown }).journal = new FileJournal(w.stateDir)
    const resumed = await runReference(w, 'prod', { file, secrets: PATCH_ENV })
    expect(resumed).toMatchObject({ runId, resumed: true, status: 'done' })
    expect((await kube.get(ORDERS_DB))?.data).toEqual({ username: SEEDED.username, password: PATCH_ENV.DB_PASSWORD, token: PATCH_ENV.DB_TOKEN })
    const [backup] = await backups(kube)
    expect(backup.data).toEqual(SEEDED)
    const facts = (await w.journal.read(runId)).filter((e) => e.t === 'fact')
    expect(facts).toEqual([expect.objectContaining({ kind: 'k8s.secret-backup', data: expect.objectContaining({ backup: `shop/orders-db-switchover-${runId}` }) })])

    const back = await rollbackLast(w)
    expect(back.exitCode).toBe(0)
    expect(userView(await kube.get(ORDERS_DB))).toEqual(seeded)
    expect(await backups(kube)).toEqual([])
    expect(leaks(await journalText(w))).toEqual([])
    expect(leaks(JSON.stringify(w.events))).toEqual([])
  }, 60_000)

  it('a backup deleted by hand stops the rollback with its name (exit 3)', async () => {
    const { w, kube, file, seeded } = await setup()
    const ran = await runReference(w, 'prod', { file, secrets: PATCH_ENV })
    expect(ran.status).toBe('done')
    const name = `orders-db-switchover-${ran.runId}`
    await kube.delete({ apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name })

    const back = await rollbackLast(w)
    expect(back.exitCode).toBe(3)
    const failed = w.events.filter((e) => e.kind === 'rollback-failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ step: 'rotate', error: expect.stringContaining(`Secret shop/${name}`) })
    expect(userView(await kube.get(ORDERS_DB))).not.toEqual(seeded)
    expect((await kube.get(ORDERS_DB))?.data).toMatchObject({ password: PATCH_ENV.DB_PASSWORD })
    expect(leaks(await journalText(w))).toEqual([])
    expect(leaks(JSON.stringify(w.events))).toEqual([])
  }, 60_000)
})
