import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPlaybook, MAX_FILE_BYTES, parsePlaybookText, validateCommand } from '../runner/playbook/index.js'
import { fixtureRegistry } from './playbook-registry.js'

const DIR = 'fixtures/invalid'

/** `# expect: L:C path: message-substring` (path `-` for none), `# env: NAME`, `# vars: K=V`. */
function expectations(text: string) {
  const expects = [...text.matchAll(/^# expect: (\d+):(\d+) (\S+): (.*)$/gm)].map((m) => ({
    line: Number(m[1]), col: Number(m[2]), path: m[3] === '-' ? '' : m[3]!, message: m[4]!,
  }))
  const env = /^# env: (\S+)$/m.exec(text)?.[1]
  const vars = Object.fromEntries([...text.matchAll(/^# vars: (\w+)=(\S*)$/gm)].map((m) => [m[1]!, m[2]!]))
  return { expects, env, vars }
}

const files = (await readdir(DIR)).filter((f) => f.endsWith('.yaml')).sort()

describe('malformed playbooks in fixtures/invalid', () => {
  it('cover at least 24 problem families', () => {
    expect(files.length).toBeGreaterThanOrEqual(24)
  })

  it.each(files)('%s reports exactly its expected problems at their line:col', async (f) => {
    const text = await readFile(path.join(DIR, f), 'utf8')
    const { expects, env, vars } = expectations(text)
    expect(expects.length, 'fixture has no # expect: line').toBeGreaterThan(0)
    const r = await loadPlaybook(path.join(DIR, f), { registry: fixtureRegistry, env, vars })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems.map((p) => `${p.line}:${p.col} ${p.path}`)).toEqual(expects.map((e) => `${e.line}:${e.col} ${e.path}`))
    r.problems.forEach((p, i) => {
      expect(p.message).toContain(expects[i]!.message)
      expect(p.file).toBe(path.join(DIR, f))
    })
  })

  it.each(files)('%s makes validate exit 2 with file:line:col lines', async (f) => {
    const file = path.join(DIR, f)
    const { expects, env, vars } = expectations(await readFile(file, 'utf8'))
    const out = await validateCommand(file, { registry: fixtureRegistry, env, vars })
    expect(out.exitCode).toBe(2)
    expect(out.lines[0]!.startsWith(`${file}:${expects[0]!.line}:${expects[0]!.col} `)).toBe(true)
    expect(out.lines.at(-1)).toBe(`${file}: ${expects.length} problem${expects.length === 1 ? '' : 's'}`)
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
    const r = await loadPlaybook(file, { registry: fixtureRegistry })
    expect(r).toMatchObject({ ok: false, problems: [{ line: 1, col: 1, path: '', message: expect.stringContaining('limited to 1 MiB') }] })
  })

  it('refuses oversized text handed in directly', async () => {
    const r = await parsePlaybookText(`version: 1\nname: ${'x'.repeat(MAX_FILE_BYTES)}\n`, 'big.yaml', { registry: fixtureRegistry })
    expect(r.ok || r.problems[0]!.message).toContain('limited to 1 MiB')
  })

  it('refuses half a million nested brackets at the depth limit instead of parsing them', async () => {
    const n = 500_000
    const r = await parsePlaybookText(`a: ${'['.repeat(n)}${']'.repeat(n)}\n`, 'deep.yaml', { registry: fixtureRegistry })
    expect(r).toMatchObject({ ok: false, problems: [{ line: 1, col: 4 + 64, message: expect.stringContaining('nesting deeper than 64') }] })
  })

  it('refuses runaway block indentation', async () => {
    const text = Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')
    const r = await parsePlaybookText(text, 'indent.yaml', { registry: fixtureRegistry })
    expect(r).toMatchObject({ ok: false, problems: [{ line: 65, message: expect.stringContaining('nesting deeper') }] })
  })

  it('refuses the classic billion-laughs document without expanding it', async () => {
    const rows = ['lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (let i = 1; i < 9; i++) rows.push(`l${i}: &a${i} [${Array(9).fill(i === 1 ? '*a' : `*a${i - 1}`).join(',')}]`)
    const r = await parsePlaybookText(rows.join('\n'), 'lol.yaml', { registry: fixtureRegistry })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems.every((p) => /YAML (anchors|aliases)/.test(p.message))).toBe(true)
    expect(r.problems.length).toBe(17)
  })

  it('reports a missing file as a problem, not a throw', async () => {
    const out = await validateCommand(path.join(dir, 'nope.yaml'), { registry: fixtureRegistry })
    expect(out).toEqual({ exitCode: 2, lines: [`${path.join(dir, 'nope.yaml')}:1:1 cannot read the playbook: no such file`, `${path.join(dir, 'nope.yaml')}: 1 problem`] })
  })
})
