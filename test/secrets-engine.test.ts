/**
 * Secret backups under crashes and tampering, in process against the sandbox: a run killed
 * between writing a Secret's backup and changing the Secret resumes and rolls back exactly; a
 * backup deleted by hand makes the rollback stop (exit 3) naming the backup.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createKubeApi } from '../runner/clients/kube.js'
import type { KubeApi } from '../runner/clients/kube-types.js'
import { FileJournal } from '../runner/journal/file.js'
import { ProcessDied, dyingJournal } from './helpers/dying-journal.js'
import { ROOT, openWorld, rollbackLast, runReference, type World } from './helpers/reference-run.js'
import { SEEDED, secretsPlaybook } from './helpers/secrets.js'

const worlds: World[] = []
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.stop()
})

const ORDERS_DB = { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'orders-db' }
const PAYMENTS = { ...ORDERS_DB, name: 'payments-api' }

async function setup(): Promise<{ w: World; kube: KubeApi; file: string }> {
  const w = await openWorld()
  worlds.push(w)
  const kube = await createKubeApi({ kubeconfigPath: w.sb.kubeconfigPath })
  await kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-db', namespace: 'shop' }, type: 'Opaque', data: SEEDED })
  const file = join(w.stateDir, 'pb.yaml')
  await writeFile(file, `${secretsPlaybook(join(ROOT, 'fixtures/manifests/secrets'))}environments: { prod: {} }\n`)
  return { w, kube, file }
}
const backups = (kube: KubeApi) => kube.list('v1', 'Secret', { namespace: 'shop', labelSelector: 'switchover.dev/run' })

describe('Secret backups', () => {
  it('a run killed between the backup and the change resumes and rolls back exactly', async () => {
    const { w, kube, file } = await setup()
    const disk = w.journal
    ;(w as { journal: unknown }).journal = dyingJournal(disk, (e) => e.t === 'fact' && e.kind === 'k8s.secret-backup')
    await expect(runReference(w, 'prod', { file })).rejects.toThrow(ProcessDied)
    const [runId] = await disk.runs()
    expect((await backups(kube)).map((b) => b.metadata.name)).toEqual([`orders-db-switchover-${runId}`])
    expect((await kube.get(ORDERS_DB))?.data).toEqual(SEEDED)

    ;(w as { journal: unknown }).journal = new FileJournal(w.stateDir)
    const resumed = await runReference(w, 'prod', { file })
    expect(resumed).toMatchObject({ runId, resumed: true, status: 'done' })
    expect((await kube.get(ORDERS_DB))?.data).not.toEqual(SEEDED)
    expect((await backups(kube))[0].data).toEqual(SEEDED)

    const back = await rollbackLast(w)
    expect(back.exitCode).toBe(0)
    expect((await kube.get(ORDERS_DB))?.data).toEqual(SEEDED)
    expect(await kube.get(PAYMENTS)).toBeNull()
    expect(await backups(kube)).toEqual([])
  }, 60_000)

  it('a backup deleted by hand stops the rollback with its name (exit 3)', async () => {
    const { w, kube, file } = await setup()
    const ran = await runReference(w, 'prod', { file })
    expect(ran.status).toBe('done')
    const name = `orders-db-switchover-${ran.runId}`
    await kube.delete({ apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name })

    const back = await rollbackLast(w)
    expect(back.exitCode).toBe(3)
    const failed = w.events.filter((e) => e.kind === 'rollback-failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ step: 'deploy', error: expect.stringContaining(`shop/${name}`) })
    expect((await kube.get(ORDERS_DB))?.data).not.toEqual(SEEDED)
  }, 60_000)
})
