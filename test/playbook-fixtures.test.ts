import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Io } from '../runner/cli/io.js'
import { main } from '../runner/cli/main.js'
import { formatValidateProblem, loadPlaybook, MAX_FILE_BYTES, parsePlaybookText, validateCommand } from '../runner/playbook/index.js'
import { testRegistry, testStepTypes } from './helpers/test-registry.js'
import { watchModules } from './module-watch.js'

// Started before any test runs: the CLI loads its command code lazily, so whatever the validate
// runs below import is resolved from here on and shows up in the watch.
const modules = watchModules()

const DIR = 'fixtures/invalid'

/**
 * `# expect: L:C path: message` (path `-` for none; the message may be cut short, it is matched
 * as a prefix), `# env: NAME` (as --env), `# vars: K=V` (as --var).
 */
function expectations(text: string) {
  const expects = [...text.matchAll(/^# expect: (\d+):(\d+) (\S+): (.*)$/gm)].map((m) => ({
    line: Number(m[1]), col: Number(m[2]), path: m[3] === '-' ? '' : m[3]!, message: m[4]!,
  }))
  const env = /^# env: (\S+)$/m.exec(text)?.[1]
  const vars = Object.fromEntries([...text.matchAll(/^# vars: (\w+)=(\S*)$/gm)].map((m) => [m[1]!, m[2]!]))
  return { expects, env, vars }
}

/** An Io that keeps what the CLI prints; no terminal, nothing to ask. */
function captureIo(): { io: Io; stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  const io: Io = {
    stdout: (t) => void stdout.push(t),
    stderr: (t) => void stderr.push(t),
    stdinIsTTY: false,
    stdoutIsTTY: false,
    env: {},
    ask: async () => false,
  }
  return { io, stdout, stderr }
}

const isClientPackage = (url: string) => /\/node_modules\/(@aws-sdk\/|@kubernetes\/client-node\/)/.test(url)

const files = (await readdir(DIR)).filter((f) => f.endsWith('.yaml')).sort()

describe('malformed playbooks in fixtures/invalid, against the real step types and the test-only ones', () => {
  it('cover at least 24 problem families', () => {
    expect(files.length).toBeGreaterThanOrEqual(24)
  })

  it.each(files)('%s reports exactly its expected problems at their line:col', async (f) => {
    const text = await readFile(path.join(DIR, f), 'utf8')
    const { expects, env, vars } = expectations(text)
    expect(expects.length, 'fixture has no # expect: line').toBeGreaterThan(0)
    const r = await validateCommand(path.join(DIR, f), { env, vars, registry: testStepTypes })
    expect(r.exitCode).toBe(2)
    expect(r.problems.map((p) => `${p.line}:${p.col} ${p.path}`)).toEqual(expects.map((e) => `${e.line}:${e.col} ${e.path}`))
    r.problems.forEach((p, i) => {
      // The message as printed: with the environment when the problem is one environment's.
      const message = formatValidateProblem({ ...p, file: '', line: 0, col: 0, path: '' }).replace(/^:0:0 /, '')
      expect(message.startsWith(expects[i]!.message), `${message}\n  does not start with\n${expects[i]!.message}`).toBe(true)
      expect(p.file).toBe(path.join(DIR, f))
    })
  })

  it.each(files)('%s: `playbook validate` exits 2 and prints every problem as file:line:col path: message', async (f) => {
    const file = path.join(DIR, f)
    const { expects, env, vars } = expectations(await readFile(file, 'utf8'))
    const argv = ['validate', file, ...(env ? ['--env', env] : []), ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}=${v}`])]
    const { io, stdout, stderr } = captureIo()
    expect(await main(argv, io, { registry: testRegistry })).toBe(2)
    expect(stdout).toEqual([])
    const lines = stderr.join('').split('\n').filter((l) => l !== '')
    expect(lines).toHaveLength(expects.length + 1)
    expects.forEach((e, i) => {
      const want = `${file}:${e.line}:${e.col} ${e.path === '' ? '' : `${e.path}: `}${e.message}`
      expect(lines[i]!.startsWith(want), `printed\n${lines[i]}\nexpected a line starting with\n${want}`).toBe(true)
    })
    expect(lines.at(-1)!.replace(/ \(checked environments [^)]*\)$/, '')).toBe(`${file}: ${expects.length} problem${expects.length === 1 ? '' : 's'}`)
  })

  it('the validate runs above never loaded an AWS or Kubernetes client package', async () => {
    expect((await modules.seen()).filter(isClientPackage)).toEqual([])
    // Control: the watch does see those packages when they are loaded, through the same module
    // loader the CLI uses, so the empty list above is not a blind spot (nor an earlier load).
    await import('@aws-sdk/client-route-53')
    await import('@kubernetes/client-node')
    const after = (await modules.seen()).filter(isClientPackage)
    expect(after.some((u) => u.includes('/@aws-sdk/client-route-53/'))).toBe(true)
    expect(after.some((u) => u.includes('/@kubernetes/client-node/'))).toBe(true)
  })
})

describe('hostile input', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'playbook-hostile-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('refuses a file past the size limit before reading it', async () => {
    const file = path.join(dir, 'huge.yaml')
    const filler = '# padding padding padding padding padding padding padding padding\n'
    await writeFile(file, `version: 1\n${filler.repeat(Math.ceil(MAX_FILE_BYTES / filler.length) + 10)}`)
    const r = await loadPlaybook(file)
    expect(r).toMatchObject({ ok: false, problems: [{ line: 1, col: 1, path: '', message: expect.stringContaining('limited to 1 MiB') }] })
  })

  it('refuses oversized text handed in directly', async () => {
    const r = await parsePlaybookText(`version: 1\nname: ${'x'.repeat(MAX_FILE_BYTES)}\n`, 'big.yaml')
    expect(r.ok || r.problems[0]!.message).toContain('limited to 1 MiB')
  })

  it('refuses half a million nested brackets at the depth limit instead of parsing them', async () => {
    const n = 500_000
    const r = await parsePlaybookText(`a: ${'['.repeat(n)}${']'.repeat(n)}\n`, 'deep.yaml')
    expect(r).toMatchObject({ ok: false, problems: [{ line: 1, col: 4 + 64, message: expect.stringContaining('nesting deeper than 64') }] })
  })

  it('refuses runaway block indentation', async () => {
    const text = Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')
    const r = await parsePlaybookText(text, 'indent.yaml')
    expect(r).toMatchObject({ ok: false, problems: [{ line: 65, message: expect.stringContaining('nesting deeper') }] })
  })

  it('refuses the classic billion-laughs document without expanding it', async () => {
    const rows = ['lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (let i = 1; i < 9; i++) rows.push(`l${i}: &a${i} [${Array(9).fill(i === 1 ? '*a' : `*a${i - 1}`).join(',')}]`)
    const r = await parsePlaybookText(rows.join('\n'), 'lol.yaml')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems.every((p) => /YAML (anchors|aliases)/.test(p.message))).toBe(true)
    expect(r.problems.length).toBe(17)
  })

  it('reports a missing file as a problem, not a throw', async () => {
    const out = await validateCommand(path.join(dir, 'nope.yaml'))
    expect(out).toMatchObject({ exitCode: 2, lines: [`${path.join(dir, 'nope.yaml')}:1:1 cannot read the playbook: no such file`, `${path.join(dir, 'nope.yaml')}: 1 problem`] })
  })
})
