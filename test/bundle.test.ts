import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> }
const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } })

// The bundle is built by `npm run build`, `prepare` and `npm test` (build/bundle.ts).
describe('the bundled CLI', () => {
  it('is what `bin` points to, and prepare builds it', () => {
    expect(pkg.bin.playbook).toBe('dist/bundle/playbook.js')
    expect(pkg.scripts.prepare).toContain('dist/build/bundle.js')
  })

  it('validates the reference playbook without loading the AWS SDK, the Kubernetes client or the sandbox', () => {
    const meta = JSON.parse(readFileSync(`${ROOT}dist/bundle/meta.json`, 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> }
    const hook = `data:text/javascript,${encodeURIComponent("import{register}from'node:module';register('data:text/javascript,'+encodeURIComponent(\"export async function load(u,c,n){if(u.includes('/dist/bundle/'))process.stderr.write('LOADED '+u+'\\\\n');return n(u,c)}\"))")}`
    const r = node(['--import', hook, pkg.bin.playbook, 'validate', 'playbooks/switchover.yaml', '--env', 'prod'])
    expect(r.status, r.stderr).toBe(0)
    const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(l.indexOf('dist/bundle/')))
    expect(loaded.length).toBeGreaterThan(1)
    const inputs = loaded.flatMap((f) => Object.keys(meta.outputs[f]?.inputs ?? {}))
    expect(inputs.some((i) => i.startsWith('runner/playbook/'))).toBe(true)
    expect(inputs.filter((i) => /@aws-sdk|@kubernetes|^sandbox\//.test(i))).toEqual([])
  })

  it('holds KubeConfig of the Kubernetes client, not its generated models and API classes', () => {
    const meta = JSON.parse(readFileSync(`${ROOT}dist/bundle/meta.json`, 'utf8')) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> }
    const kept = Object.values(meta.outputs).flatMap((o) => Object.entries(o.inputs).filter(([i, x]) => i.includes('@kubernetes/client-node/') && x.bytesInOutput > 0).map(([i]) => i))
    expect(kept.some((i) => i.endsWith('/dist/config.js'))).toBe(true)
    expect(kept.filter((i) => /\/dist\/gen\/(models|apis)\//.test(i) || i.endsWith('/dist/object.js'))).toEqual([])
  })

  it('leaves out code no command uses: whatwg-url and its Unicode tables, and zod\'s locales but English', () => {
    const meta = JSON.parse(readFileSync(`${ROOT}dist/bundle/meta.json`, 'utf8')) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> }
    const kept = Object.values(meta.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, x]) => x.bytesInOutput > 0).map(([i]) => i))
    expect(kept.some((i) => i.includes('node_modules/node-fetch/'))).toBe(true)
    expect(kept.filter((i) => /node_modules\/(whatwg-url|tr46)\//.test(i))).toEqual([])
    expect(kept.filter((i) => i.includes('node_modules/zod/') && i.includes('/locales/')).map((i) => i.slice(i.lastIndexOf('/') + 1))).toEqual(['en.js'])
  })

  it('keeps of each AWS SDK client only the commands the steps and gates call', () => {
    const meta = JSON.parse(readFileSync(`${ROOT}dist/bundle/meta.json`, 'utf8')) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> }
    const commands = (pkg: string) => Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs)).filter((i) => i.includes(`/${pkg}/`) && i.includes('/commands/') && i.endsWith('Command.js')).map((i) => i.slice(i.lastIndexOf('/') + 1, -'Command.js'.length)).sort()
    expect(commands('client-ecs')).toEqual(['DescribeClusters', 'DescribeServices', 'UpdateService'])
    expect(commands('client-eventbridge')).toEqual(['DescribeRule', 'DisableRule', 'EnableRule', 'ListRuleNamesByTarget'])
    expect(commands('client-cloudwatch')).toEqual(['DescribeAlarms'])
  })

  // The shipped entry runs `playbook validate`; then a chunk throws and its stack trace is formatted.
  const throwFromChunk = `
    const { default: fs } = await import('node:fs')
    const { findSourceMap, syncBuiltinESMExports } = await import('node:module')
    const mapsRead = []
    const read = fs.readFileSync
    fs.readFileSync = (p, ...a) => { if (String(p).endsWith('.map')) mapsRead.push(String(p)); return read(p, ...a) }
    syncBuiltinESMExports()
    const meta = JSON.parse(read('dist/bundle/meta.json', 'utf8'))
    const url = (input) => new URL(Object.entries(meta.outputs).find(([, o]) => input in o.inputs)[0], 'file://' + process.cwd() + '/').href
    process.argv = [process.argv[0], 'playbook', 'validate', 'playbooks/switchover.yaml']
    await import('./dist/bundle/playbook.js')
    const loaded = url('runner/playbook/load.ts')
    const beforeTrace = { mapsRead: mapsRead.length, nodeCachedMap: findSourceMap(loaded) !== undefined }
    const m = await import(url('runner/playbook/json-schema.ts'))
    let stack
    for (const f of Object.values(m)) { if (typeof f !== 'function') continue; try { f(undefined) } catch (e) { stack = e.stack; break } }
    console.log(JSON.stringify({ beforeTrace, mapsRead: mapsRead.map((p) => p.slice(p.indexOf('dist/'))), stack }))`
  const traced = () => {
    const r = node(['--input-type=module', '-e', throwFromChunk])
    expect(r.status, r.stderr).toBe(0)
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { beforeTrace: { mapsRead: number; nodeCachedMap: boolean }; mapsRead: string[]; stack: string }
  }

  it('names the .ts file and line in a stack trace from a bundled chunk', () => {
    const frames = traced().stack.split('\n').filter((l) => l.startsWith('    at '))
    expect(frames[0]).toMatch(/^    at \w+ \(\/.*\/runner\/playbook\/json-schema\.ts:\d+:\d+\)$/)
    // A frame outside the bundle stays as V8 writes it.
    expect(frames.at(-1)).toMatch(/\[eval/)
  })

  it('reads a chunk\'s source map only when a stack trace passes through it', () => {
    const t = traced()
    // Node's own support (process.setSourceMapsEnabled) would have read and kept the map of every
    // chunk as it loaded: about 10 MiB of a run's memory.
    expect(t.beforeTrace).toEqual({ mapsRead: 0, nodeCachedMap: false })
    expect(t.mapsRead).toHaveLength(1)
    expect(t.mapsRead[0]).toMatch(/^dist\/bundle\/chunks\/.*\.js\.map$/)
  })
})
