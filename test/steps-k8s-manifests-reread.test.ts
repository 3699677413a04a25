/**
 * A step reads its manifests at each phase (preflight, plan, apply, rollout wait). Equal text is
 * parsed once and each read gets its own copy of the objects; a file edited between two reads is
 * read as it is now; a broken file is refused at every read.
 */
import { describe, expect, it } from 'vitest'
import type { StepContext, StepFiles } from '../runner/contract.js'
import { loadManifests } from '../steps/kube/manifests.js'

function filesOf(texts: Record<string, string>): StepFiles & { reads: number } {
  const f = {
    reads: 0,
    async readText(path: string) {
      f.reads++
      const t = texts[path]
      if (t === undefined) throw new Error(`ENOENT: ${path}`)
      return t
    },
    async list(path: string) {
      return [path]
    },
    async render(): Promise<string> {
      throw new Error('no render here')
    },
  }
  return f
}
const ctxOf = (files: StepFiles) => ({ files }) as unknown as StepContext

const cronjob = (schedule: string) => `apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: nightly }\nspec:\n  schedule: "${schedule}"\n  jobTemplate: { spec: { template: { spec: { restartPolicy: Never, containers: [{ name: job, image: "job:1" }] } } } }\n`

describe('reading the same manifests again', () => {
  it('gives each read its own objects: changing one read\'s does not change the next', async () => {
    const texts = { 'm.yaml': cronjob('0 2 * * *') }
    const files = filesOf(texts)
    const first = await loadManifests(ctxOf(files), { path: 'm.yaml', namespace: 'jobs' })
    ;(first[0]!.spec as { schedule: string }).schedule = 'changed by the caller'
    first[0]!.metadata.name = 'renamed'
    const second = await loadManifests(ctxOf(files), { path: 'm.yaml', namespace: 'jobs' })
    expect(second[0]!.metadata).toMatchObject({ name: 'nightly', namespace: 'jobs' })
    expect((second[0]!.spec as { schedule: string; suspend: boolean })).toMatchObject({ schedule: '0 2 * * *', suspend: true })
    expect(files.reads).toBe(2)
  })

  it('sees a file edited between two reads', async () => {
    const texts: Record<string, string> = { 'm.yaml': cronjob('0 2 * * *') }
    const files = filesOf(texts)
    expect((await loadManifests(ctxOf(files), { path: 'm.yaml' }))[0]!.spec).toMatchObject({ schedule: '0 2 * * *' })
    texts['m.yaml'] = cronjob('30 3 * * *')
    expect((await loadManifests(ctxOf(files), { path: 'm.yaml' }))[0]!.spec).toMatchObject({ schedule: '30 3 * * *' })
  })

  it('refuses a broken file at every read, and the same text under another name says that name', async () => {
    const texts: Record<string, string> = { 'a.yaml': 'kind: [unclosed', 'b.yaml': cronjob('0 2 * * *'), 'c.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' }
    const files = filesOf(texts)
    for (let i = 0; i < 2; i++) await expect(loadManifests(ctxOf(files), { path: 'a.yaml' })).rejects.toThrow(/cannot read manifests from a\.yaml/)
    texts['d.yaml'] = texts['c.yaml']!
    await expect(loadManifests(ctxOf(files), { path: 'c.yaml' })).rejects.toThrow(/from c\.yaml: a ConfigMap has no metadata\.name/)
    await expect(loadManifests(ctxOf(files), { path: 'd.yaml' })).rejects.toThrow(/from d\.yaml: a ConfigMap has no metadata\.name/)
  })
})
