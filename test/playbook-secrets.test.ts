/**
 * `${{ secrets.NAME }}`: the value comes from the environment variable NAME at load time, only
 * into the step's params; the journaled `with` keeps the reference. A missing variable, and a
 * credential written literally in a gate header, are problems at file:line:col.
 */
import { describe, expect, it } from 'vitest'
import { parsePlaybookText } from '../runner/playbook/index.js'

const playbook = (authorization: string) => `version: 1
name: gated
steps:
  - id: shift
    type: route53.records
    with:
      zone: example.com
      records:
        - { name: orders, type: CNAME, values: [new.example.net], setIdentifier: eks }
      weighted:
        from: ecs
        to: eks
        gate:
          http:
            url: https://health.example.com/ready
            headers:
              Authorization: "${authorization}"
`

describe('secrets in playbooks', () => {
  it('resolve from the environment into params only; `with` keeps the reference', async () => {
    const r = await parsePlaybookText(playbook('Bearer ${{ secrets.GATE_TOKEN }}'), 'pb.yaml', { secrets: { GATE_TOKEN: 'tok-9f8e7d6c5b' } })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const [s] = r.playbook.steps
    expect((s.params as any).weighted.gate.http.headers).toEqual({ Authorization: 'Bearer tok-9f8e7d6c5b' })
    expect(JSON.stringify(s.with)).not.toContain('tok-9f8e7d6c5b')
    expect((s.with as any).weighted.gate.http.headers.Authorization).toBe('Bearer ${{ secrets.GATE_TOKEN }}')
  })

  it('a missing environment variable is a located problem', async () => {
    const r = await parsePlaybookText(playbook('Bearer ${{ secrets.GATE_TOKEN }}'), 'pb.yaml', { secrets: {} })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems).toHaveLength(1)
    expect(r.problems[0]).toMatchObject({ line: 17, path: 'steps[0].with.weighted.gate.http.headers.Authorization' })
    expect(r.problems[0].message).toContain('GATE_TOKEN')
  })

  it('validate (no environment given) accepts the reference without the variable', async () => {
    expect((await parsePlaybookText(playbook('Bearer ${{ secrets.GATE_TOKEN }}'), 'pb.yaml')).ok).toBe(true)
  })

  it('a literal credential in a header is refused with its position and the way out', async () => {
    const r = await parsePlaybookText(playbook('Bearer abcdef0123456789abcdef'), 'pb.yaml')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems).toHaveLength(1)
    expect(r.problems[0]).toMatchObject({ line: 17, col: 30, path: 'steps[0].with.weighted.gate.http.headers.Authorization' })
    expect(r.problems[0].message).toContain('${{ secrets.NAME }}')
    expect(JSON.stringify(r.problems)).not.toContain('abcdef0123456789abcdef')
  })
})
