/**
 * The example playbooks cannot go stale: every file in playbooks/ validates in each of its
 * environments and plans on the sandbox without a mutating call; the checked-in rollback of the
 * reference playbook is exactly what `playbook rollback --generate` prints today, and running it
 * after the reference run puts the estate back as seeded.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterEach, describe, expect, it } from 'vitest'
import { generateRollback } from '../runner/engine/generate.js'
import { loadPlaybook } from '../runner/playbook/index.js'
import { stepTypes } from '../steps/index.js'
import { mutatingCalls, openWorld, planReference, REFERENCE, ROOT, runReference, type World } from './helpers/reference-run.js'

const DIR = join(ROOT, 'playbooks')
const files = (await readdir(DIR)).filter((f) => /\.ya?ml$/.test(f)).sort()
const envsOf = async (file: string) => Object.keys((parse(await readFile(join(DIR, file), 'utf8')) as { environments?: object }).environments ?? {})

let w: World | undefined
afterEach(async () => {
  await w?.stop()
  w = undefined
})

describe('playbooks/', () => {
  it('holds the reference playbook and its rollback', () => {
    expect(files).toEqual(expect.arrayContaining(['switchover.yaml', 'switchover.rollback.yaml']))
  })

  it.each(files)('%s validates in every environment and plans on the sandbox with zero mutating calls', async (file) => {
    const envs = await envsOf(file)
    for (const env of envs.length > 0 ? envs : [undefined]) {
      const r = await loadPlaybook(join(DIR, file), { env })
      expect(r.ok ? [] : r.problems).toEqual([])
    }
    w = await openWorld()
    const planned = await planReference(w, envs.includes('test') ? 'test' : (envs[0] ?? null), join(DIR, file))
    expect(planned.steps.filter((s) => s.error)).toEqual([])
    expect(planned.ok).toBe(true)
    expect(mutatingCalls(w)).toEqual([])
  })

  it('switchover.rollback.yaml is what `playbook rollback --generate playbooks/switchover.yaml` prints', async () => {
    const text = await readFile(REFERENCE, 'utf8')
    for (const env of ['test', 'prod']) {
      const r = await loadPlaybook(REFERENCE, { env })
      if (!r.ok) throw new Error(JSON.stringify(r.problems))
      expect(generateRollback(r.playbook, stepTypes, text)).toBe(await readFile(join(DIR, 'switchover.rollback.yaml'), 'utf8'))
    }
  })

  it('running switchover.rollback.yaml after the reference run restores the seed', async () => {
    w = await openWorld()
    const { now: _n, ...seed } = w.sb.dump() as Record<string, unknown>
    expect((await runReference(w, 'test')).status).toBe('done')
    const back = await runReference(w, 'test', { file: join(DIR, 'switchover.rollback.yaml') })
    expect(back.status).toBe('done')
    const { now: _m, ...after } = w.sb.dump() as Record<string, unknown>
    expect(after).toEqual(seed)
  })
})
