/**
 * k8s.patch and sensitive values, one step against the sandbox: a failed `test` on a Secret value
 * says so with masks only; a whole-/data replacement is journaled as one mask per key and restored
 * from the backup; a pointer marked `sensitive` in another kind (a ConfigMap) is masked, backed up
 * under the kind-prefixed name and restored, through a merge patch.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { KubeObject } from '../runner/clients/kube-types.js'
import { k8sPatch, PatchCannotApply } from '../steps/k8s-patch.js'
import { restoreStep, runStep, planStep, type Harness } from './helpers/step-harness.js'
import { startK8sWorld, userView, type K8sWorld } from './helpers/k8s-sandbox.js'
import { CLEAR, SEEDED, b64 } from './helpers/secrets.js'

let w: K8sWorld | undefined
afterEach(async () => {
  await w?.sb.stop()
  w = undefined
})

const SECRET = { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'orders-db' }
const CONFIG = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'orders-config' }
const leaks = (v: unknown) => CLEAR.flatMap((s) => [s, b64(s)]).filter((s) => JSON.stringify(v).includes(s))
const withRun = (h: Harness): Harness => (Object.assign(h.ctx, { runId: 'r1' }), h)

async function seeded(world: K8sWorld): Promise<unknown> {
  await world.kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-db', namespace: 'shop' }, type: 'Opaque', data: SEEDED } as KubeObject)
  return userView(await world.kube.get(SECRET))
}

describe('k8s.patch with sensitive values', () => {
  it('a failed test on a Secret value is refused at plan time with masks, not values', async () => {
    w = await startK8sWorld()
    await seeded(w)
    const params = { ref: SECRET, json: [{ op: 'test', path: '/data/password', value: b64('new-db-password-7f3k') }, { op: 'remove', path: '/data/extra' }] }
    const refused = await planStep(w.h([], await w.readOnly()), k8sPatch, params).catch((e) => e)
    expect(refused).toBeInstanceOf(PatchCannotApply)
    expect(refused.message).toMatch(/json\[0\] test \/data\/password: test failed: expected "\*\*\* \(sha256:[0-9a-f]{12}\)", found "\*\*\* \(sha256:[0-9a-f]{12}\)"/)
    expect(leaks(refused.message)).toEqual([])
  })

  it('a replaced /data is journaled as one mask per key and restored from the backup, which then goes', async () => {
    w = await startK8sWorld()
    const original = await seeded(w)
    const params = { ref: SECRET, json: [{ op: 'replace', path: '/data', value: { token: b64('created-token-91xq') } }] }
    const run = await runStep(withRun(w.h()), k8sPatch, params)
    expect(run.error).toBeUndefined()
    const [change] = run.changes
    expect(Object.keys((change.before as Record<string, Record<string, string>>)['/data']).sort()).toEqual(['extra', 'password', 'username'])
    expect(change.summary).toBe('patch Secret shop/orders-db: /data/extra (removed), /data/password (removed), /data/token (added), /data/username (removed)')
    expect(leaks([change, run.observed])).toEqual([])
    expect((await w.kube.get(SECRET))?.data).toEqual({ token: b64('created-token-91xq') })
    const backup = { ...SECRET, name: 'orders-db-switchover-r1' }
    expect((await w.kube.get(backup))?.data).toEqual(SEEDED)

    await restoreStep(withRun(w.h()), k8sPatch, run.params, { [change.key]: change.before })
    expect(userView(await w.kube.get(SECRET))).toEqual(original)
    expect(await w.kube.get(backup)).toBeNull()
  })

  it('masks and backs up a pointer marked sensitive in a ConfigMap, through a merge patch', async () => {
    w = await startK8sWorld()
    await w.kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orders-config', namespace: 'shop' }, data: { dsn: 'old-db-password-2m9z', mode: 'ecs' } } as KubeObject)
    const original = userView(await w.kube.get(CONFIG))
    const params = { ref: CONFIG, sensitive: ['/data/dsn'], merge: { data: { dsn: 'new-db-password-7f3k', mode: 'eks' } } }
    const run = await runStep(withRun(w.h()), k8sPatch, params)
    expect(run.error).toBeUndefined()
    const [change] = run.changes
    expect(change.before).toEqual({ '/data/dsn': expect.stringMatching(/^\*\*\* \(sha256:/), '/data/mode': 'ecs' })
    expect(change.after).toEqual({ '/data/dsn': expect.stringMatching(/^\*\*\* \(sha256:/), '/data/mode': 'eks' })
    expect(leaks(change)).toEqual([])
    expect((await w.kube.get(CONFIG))?.data).toEqual({ dsn: 'new-db-password-7f3k', mode: 'eks' })
    expect((await runStep(withRun(w.h()), k8sPatch, params)).changes).toEqual([])
    const backup = { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'configmap-orders-config-switchover-r1' }
    expect(await w.kube.get(backup)).not.toBeNull()

    await restoreStep(withRun(w.h()), k8sPatch, run.params, { [change.key]: change.before })
    expect(userView(await w.kube.get(CONFIG))).toEqual(original)
    expect(await w.kube.get(backup)).toBeNull()
  })
})

describe('k8s.patch backups within one run', () => {
  it('a second change of the same Secret in the run is refused before it writes, naming the backup', async () => {
    w = await startK8sWorld()
    await seeded(w)
    const rotate = (pw: string) => ({ ref: SECRET, json: [{ op: 'replace', path: '/data/password', value: b64(pw) }] })
    expect((await runStep(withRun(w.h()), k8sPatch, rotate('new-db-password-7f3k'))).error).toBeUndefined()
    const second = await runStep(withRun(w.h()), k8sPatch, rotate('created-token-91xq'))
    expect((second.error as Error).message).toContain('the backup shop/orders-db-switchover-r1 does not hold the values journaled')
    expect(leaks((second.error as Error).message)).toEqual([])
    expect((await w.kube.get(SECRET))?.data).toMatchObject({ password: b64('new-db-password-7f3k') })
  })
})
