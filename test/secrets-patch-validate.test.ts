/**
 * What validate refuses in a k8s.patch of a Secret: a value under /data written literally (it
 * would be journaled with the step's `with`), in every operation that carries one (test included)
 * and in a merge patch, and any path under stringData (write-only: no rerun or rollback finds it
 * again). Values read with `${{ secrets.NAME }}` pass, and so do literals outside /data.
 */
import { describe, expect, it } from 'vitest'
import { parsePlaybookText } from '../runner/playbook/index.js'

const playbook = (withBody: string) => `version: 1
name: patch-secret
steps:
  - id: rotate
    type: k8s.patch
    with:
      ref: { apiVersion: v1, kind: Secret, namespace: shop, name: orders-db }
${withBody}`

describe('k8s.patch of a Secret in validate', () => {
  it('refuses literal values under /data with their position and the way out, and never repeats them', async () => {
    const r = await parsePlaybookText(playbook(`      json:
        - { op: test, path: /data/username, value: b3JkZXJzLXJlYWRlcg== }
        - { op: replace, path: /data/password, value: "\${{ secrets.DB_PASSWORD }}" }
        - { op: add, path: /data, value: { a: "\${{ secrets.A }}", b: bGl0ZXJhbA== } }
        - { op: add, path: /metadata/annotations/rotated, value: "yes" }
`), 'pb.yaml')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems.map((p) => [p.path, p.line])).toEqual([
      ['steps[0].with.json[0].value', 9],
      ['steps[0].with.json[2].value.b', 11],
    ])
    for (const p of r.problems) expect(p.message).toContain('${{ secrets.NAME }}')
    expect(JSON.stringify(r.problems)).not.toContain('b3JkZXJzLXJlYWRlcg==')
    expect(JSON.stringify(r.problems)).not.toContain('bGl0ZXJhbA==')
  })

  it('refuses a literal in a merge patch and under a pointer marked sensitive', async () => {
    const merge = await parsePlaybookText(playbook(`      merge: { data: { password: bGl0ZXJhbA==, old: null } }
`), 'pb.yaml')
    expect(merge.ok).toBe(false)
    if (!merge.ok) expect(merge.problems.map((p) => p.path)).toEqual(['steps[0].with.merge.data.password'])

    const marked = await parsePlaybookText(`version: 1
name: patch-env
steps:
  - id: env
    type: k8s.patch
    with:
      ref: { apiVersion: apps/v1, kind: Deployment, namespace: shop, name: orders }
      sensitive: [/spec/template/spec/containers/0/env/0/value]
      json:
        - { op: replace, path: /spec/template/spec/containers/0/env/0, value: { name: DB_PASSWORD, value: hunter2-literal } }
`, 'pb.yaml')
    expect(marked.ok).toBe(false)
    if (!marked.ok) expect(marked.problems.map((p) => p.path)).toEqual(['steps[0].with.json[0].value.value'])
  })

  it('refuses stringData paths, and accepts values read from the environment', async () => {
    const r = await parsePlaybookText(playbook(`      json:
        - { op: add, path: /stringData, value: { password: "\${{ secrets.DB_PASSWORD }}" } }
`), 'pb.yaml')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problems[0]).toMatchObject({ path: 'steps[0].with.json[0].path', message: expect.stringContaining('/data') })

    const ok = await parsePlaybookText(playbook(`      json:
        - { op: test, path: /data/username, value: "\${{ secrets.DB_USER }}" }
        - { op: replace, path: /data/password, value: "\${{ secrets.DB_PASSWORD }}" }
        - { op: remove, path: /data/extra }
`), 'pb.yaml', { secrets: { DB_USER: 'dXNlcg==', DB_PASSWORD: 'cGFzcw==' } })
    expect(ok.ok).toBe(true)
    if (ok.ok) expect(JSON.stringify(ok.playbook.steps[0].with)).not.toContain('cGFzcw==')
  })
})
