import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { StepType } from '../runner/contract.js'
import { formatProblem, parsePlaybookText, type LoadOptions, type Playbook } from '../runner/playbook/index.js'
import { fixtureRegistry, fixtureSet } from './playbook-registry.js'

const PLAYBOOK = `version: 1
name: switchover
description: Move the shop.
vars: { ttl: 60, zone: example.com, names: [orders, inventory], flag: true }
environments:
  test: { region: us-east-1, profile: test, context: sandbox, vars: { zone: test.example.com } }
  prod: { region: eu-west-1, profile: prod, context: prod-eks }
defaults: { onFailure: stop, timeout: 1h }
steps:
  - id: lower-ttls
    type: fixture.set
    description: Lower TTLs in \${{ env.name }}
    with: { zone: "\${{ vars.zone }}", ttl: "\${{ vars.ttl }}", names: "\${{ vars.names }}" }
    timeout: 90s
    pause: true
  - id: only-prod
    type: fixture.set
    with:
      zone: "\${{ env.region }}.\${{ vars.zone }}"
      ttl: 5
      names: ["run-\${{ run.id }}", "$\${{ literal }}", "ttl=\${{ vars.ttl }}"]
    when: "\${{ env.name }} == prod"
    pause: Switch DNS in \${{ env.name }}?
    onFailure: rollback
  - id: flagged
    type: fixture.set
    with: { zone: z, ttl: 1 }
    when: "\${{ vars.flag }}"
`

async function load(text: string, opts: LoadOptions = {}): Promise<Playbook> {
  const r = await parsePlaybookText(text, 'switchover.yaml', { registry: fixtureRegistry, ...opts })
  if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'))
  return r.playbook
}

describe('a valid playbook', () => {
  it('resolves the chosen environment, typed templates and defaults', async () => {
    const p = await load(PLAYBOOK, { env: 'test', runId: 'r-42' })
    expect(p).toMatchObject({
      name: 'switchover', description: 'Move the shop.', version: 1,
      env: { name: 'test', region: 'us-east-1', profile: 'test', context: 'sandbox' },
      vars: { ttl: 60, zone: 'test.example.com', names: ['orders', 'inventory'], flag: true },
      defaults: { onFailure: 'stop', timeoutMs: 3_600_000 },
    })
    const [a, b, c] = p.steps
    expect(a).toEqual({
      id: 'lower-ttls', type: 'fixture.set', description: 'Lower TTLs in test',
      with: { zone: 'test.example.com', ttl: 60, names: ['orders', 'inventory'] },
      params: { zone: 'test.example.com', ttl: 60, names: ['orders', 'inventory'] },
      when: true, pause: 'Run step "lower-ttls"?', timeoutMs: 90_000, onFailure: 'stop', line: 10,
    })
    expect(b).toMatchObject({
      with: { zone: 'us-east-1.test.example.com', ttl: 5, names: ['run-r-42', '${{ literal }}', 'ttl=60'] },
      when: false, pause: 'Switch DNS in test?', timeoutMs: 3_600_000, onFailure: 'rollback', line: 16,
    })
    expect(c).toMatchObject({ when: true, line: 25 })
  })

  it('evaluates when per environment', async () => {
    const p = await load(PLAYBOOK, { env: 'prod' })
    expect(p.steps.map((s) => s.when)).toEqual([true, true, true])
    expect(p.steps[1]!.with.zone).toBe('eu-west-1.example.com')
  })

  it('uses the placeholder run id when only validating', async () => {
    const p = await load(PLAYBOOK, { env: 'prod' })
    expect((p.steps[1]!.with.names as string[])[0]).toBe('run-validate')
  })

  it('converts --var overrides to the declared type', async () => {
    const p = await load(PLAYBOOK, { env: 'prod', vars: { ttl: '30', flag: 'false', zone: 'other.example' } })
    expect(p.vars).toMatchObject({ ttl: 30, flag: false, zone: 'other.example' })
    expect(p.steps[0]!.with.ttl).toBe(30)
    expect(p.steps[2]!.when).toBe(false)
  })

  it('refuses an undeclared --var with a suggestion', async () => {
    const r = await parsePlaybookText(PLAYBOOK, 'switchover.yaml', { registry: fixtureRegistry, env: 'prod', vars: { tll: '5' } })
    expect(r.ok ? [] : r.problems.map(formatProblem)).toEqual([
      'switchover.yaml:4:1 vars: --var tll: no such var (did you mean "ttl"?); declare it under vars',
    ])
  })

  it('accepts a generated rollback playbook with restoreFrom and rollbackOf', async () => {
    const p = await load(`version: 1
name: switchover-rollback
rollbackOf: { playbook: switchover, run: r-42 }
steps:
  - id: undo-lower-ttls
    type: fixture.set
    restoreFrom: lower-ttls
    with: { zone: example.com, ttl: 300 }
`)
    expect(p.rollbackOf).toEqual({ playbook: 'switchover', run: 'r-42' })
    expect(p.steps[0]).toMatchObject({ restoreFrom: 'lower-ttls', when: true, onFailure: 'rollback', timeoutMs: 1_800_000 })
  })
})

describe('problems', () => {
  it('are all reported at once, in document order, in the documented format', async () => {
    const r = await parsePlaybookText(`version: 1
name: switchover
vars: { zone: example.com }
steps:
  - id: a
    type: fixture.set
    with: { zone: "\${{ vars.zone }}", ttl: "sixty" }
  - id: a
    type: route53.ttl
    timeout: 5 minutes
    with:
      zone: example.com
      ttl: "\${{ vars.ttl }}"
`, 'switchover.yaml', { registry: fixtureRegistry })
    expect(r.ok ? [] : r.problems.map(formatProblem)).toEqual([
      'switchover.yaml:7:44 steps[0].with.ttl: expected a number, got "sixty"',
      'switchover.yaml:8:9 steps[1].id: duplicate step id "a" (first used on line 5); ids must be unique',
      'switchover.yaml:9:11 steps[1].type: unknown step type "route53.ttl"; known: fixture.set',
      'switchover.yaml:10:14 steps[1].timeout: expected a duration such as 90s, 15m, 1h or 1h30m',
      'switchover.yaml:13:13 steps[1].with.ttl: unknown var "ttl"; declare it under vars',
    ])
  })

  it("keep a step type author's own messages and map nested params paths", async () => {
    const custom: StepType = {
      ...fixtureSet,
      type: 'custom.step',
      params: z.strictObject({ targets: z.array(z.strictObject({ weight: z.number().max(255, { error: 'weights go up to 255' }) })) }),
    }
    const r = await parsePlaybookText(`version: 1
name: x
steps:
  - id: a
    type: custom.step
    with:
      targets:
        - weight: 10
        - weight: 300
          wieght: 1
`, 'p.yaml', { registry: new Map([[custom.type, custom]]) })
    expect(r.ok ? [] : r.problems.map(formatProblem)).toEqual([
      'p.yaml:9:19 steps[0].with.targets[1].weight: weights go up to 255',
      'p.yaml:10:11 steps[0].with.targets[1].wieght: unknown key "wieght" (did you mean "weight"?)',
    ])
  })

  it('never run code: a params schema that throws becomes a problem', async () => {
    const throwing: StepType = { ...fixtureSet, type: 'bad.step', params: z.object({}).transform(() => { throw new Error('boom') }) }
    const r = await parsePlaybookText('version: 1\nname: x\nsteps:\n  - { id: a, type: bad.step }\n', 'p.yaml', { registry: new Map([[throwing.type, throwing]]) })
    expect(r.ok ? [] : r.problems.map(formatProblem)).toEqual(['p.yaml:4:5 steps[0].with: the params check of step type bad.step failed: boom'])
  })

  it('use the registry of steps/index.ts by default', async () => {
    const r = await parsePlaybookText('version: 1\nname: x\nsteps:\n  - { id: a, type: no.such-type }\n', 'p.yaml')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problems[0]!.message).toMatch(/^unknown step type "no.such-type".*known: .*\S/)
  })
})
