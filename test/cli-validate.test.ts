/**
 * `playbook validate`: without --env it checks every environment of the playbook (naming them);
 * `--output json` prints each problem as one JSON object on stdout; test-only step types are
 * not part of the product.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Io } from '../runner/cli/io.js'
import { main } from '../runner/cli/main.js'
import { stepTypes } from '../steps/index.js'

function captureIo() {
  const out: string[] = []
  const err: string[] = []
  const io: Io = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), stdinIsTTY: false, stdoutIsTTY: false, env: {}, ask: async () => false }
  return { io, out: () => out.join(''), err: () => err.join('') }
}

async function validate(...argv: string[]) {
  const c = captureIo()
  const code = await main(argv, c.io)
  return { code, out: c.out(), err: c.err() }
}

const playbook = (prod: string, extra = '') => `version: 1
name: switchover
environments:
  test: { region: us-east-1, vars: { zone: test.example.com, ttl: 60 } }
  prod: { region: us-east-1, vars: { ${prod} } }
steps:
  - id: lower-ttls
    type: route53.ttl
    with: { zone: "\${{ vars.zone }}", ttl: "\${{ vars.ttl }}", names: [orders]${extra} }
`

let dir: string
const file = (name: string) => join(dir, name)
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-validate-'))
  await writeFile(file('ok.yaml'), playbook('zone: example.com, ttl: 60'))
  // prod's ttl is not a number: a problem of prod only.
  await writeFile(file('prod-bad.yaml'), playbook('zone: example.com, ttl: sixty'))
  // An unknown key is wrong in every environment: said once.
  await writeFile(file('both-bad.yaml'), playbook('zone: example.com, ttl: sixty', ', tyeps: [CNAME]'))
  await writeFile(file('memory.yaml'), 'version: 1\nname: t\nsteps:\n  - { id: one, type: test.memory, with: { world: "mem:x", set: { a: 1 } } }\n')
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('validate without --env on a playbook with environments', () => {
  it('checks every environment and says which', async () => {
    const r = await validate('validate', file('ok.yaml'))
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/valid .*in environments test, prod/)
    expect(r.err).toBe('')
  })

  it('reports a problem of one environment with that environment, and exits 2', async () => {
    const r = await validate('validate', file('prod-bad.yaml'))
    expect(r.code).toBe(2)
    const lines = r.err.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^.*prod-bad\.yaml:9:\d+ steps\[0\]\.with\.ttl: expected a number of seconds.* \(environment prod\)$/)
    expect(lines[1]).toMatch(/1 problem .*test, prod/)
    expect(r.out).toBe('')
  })

  it('reports a problem of every environment once, without an environment', async () => {
    const r = await validate('validate', file('both-bad.yaml'))
    expect(r.code).toBe(2)
    const lines = r.err.trim().split('\n')
    expect(lines.filter((l) => l.includes('unknown key "tyeps"'))).toEqual([expect.not.stringContaining('environment')])
    expect(lines.filter((l) => l.includes('with.ttl'))).toEqual([expect.stringContaining('(environment prod)')])
  })

  it('with --env checks that environment only', async () => {
    expect((await validate('validate', file('prod-bad.yaml'), '--env', 'test')).code).toBe(0)
    expect((await validate('validate', file('prod-bad.yaml'), '--env', 'prod')).code).toBe(2)
  })
})

describe('--output json validate', () => {
  const parse = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)

  it.each([
    ['before the command', ['--output', 'json', 'validate']],
    ['after the command', ['validate', '--output', 'json']],
  ])('prints one JSON object per problem on stdout and nothing else (%s)', async (_, args) => {
    const r = await validate(...args, file('both-bad.yaml'))
    expect(r.code).toBe(2)
    const problems = parse(r.out)
    expect(problems).toEqual([
      { file: file('both-bad.yaml'), line: 9, column: 44, path: 'steps[0].with.ttl', message: expect.stringContaining('expected a number'), environment: 'prod' },
      { file: file('both-bad.yaml'), line: 9, column: 80, path: 'steps[0].with.tyeps', message: 'unknown key "tyeps" (did you mean "types"?)' },
    ])
  })

  it('prints nothing on stdout for a valid playbook, and exits 0', async () => {
    const r = await validate('--output', 'json', 'validate', file('ok.yaml'))
    expect(r.code).toBe(0)
    expect(r.out).toBe('')
  })

  it('prints a file that cannot be read as a problem too', async () => {
    const r = await validate('--output', 'json', 'validate', file('nope.yaml'))
    expect(r.code).toBe(2)
    expect(parse(r.out)).toEqual([{ file: file('nope.yaml'), line: 1, column: 1, path: '', message: 'cannot read the playbook: no such file' }])
  })
})

describe('test-only step types', () => {
  it('are not in the product registry', () => {
    expect([...stepTypes.keys()].filter((t) => t.startsWith('test.'))).toEqual([])
  })

  it('a playbook on test.memory is refused as an unknown step type, listing the real ones', async () => {
    const r = await validate('validate', file('memory.yaml'))
    expect(r.code).toBe(2)
    expect(r.err).toContain(`unknown step type "test.memory"`)
    expect(r.err).toContain(`known: ${[...stepTypes.keys()].sort().join(', ')}`)
  })
})
