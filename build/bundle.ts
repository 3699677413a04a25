/**
 * Bundles the CLI: one ESM entry (dist/bundle/playbook.js) that holds the command line, the
 * playbook loader and the step types, with lazy chunks (code splitting) for what only some
 * commands need: the AWS SDK clients, the Kubernetes client, the sandbox, the renderers. A chunk is
 * loaded by the `import()` that needs it, so `playbook validate` loads none of them.
 *
 * Source maps (linked, naming the sources without their text) let stack traces name the .ts
 * files: the entry reads a chunk's map only when a stack trace passes through it
 * (runner/stack-maps.ts).
 *
 *   node dist/build/bundle.js   (run by `npm run build` and `prepare`, after tsc)
 */
import { build, type Plugin } from 'esbuild'
import { rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const OUT = `${ROOT}dist/bundle`

// CommonJS dependencies call require() for Node's built-ins; an ESM bundle has none of its own.
const banner = [
  "import { createRequire as __createRequire } from 'node:module';",
  'const require = __createRequire(import.meta.url);',
].join('\n')

/**
 * @kubernetes/client-node declares no `sideEffects`, so a bundler keeps every module its index
 * reaches, and its KubeConfig module imports that index (for two small classes). Its modules are
 * side-effect free (generated models and API classes, and functions), so the bundle keeps only
 * what KubeConfig uses: about 0.5 MiB instead of 3.5 MiB, and a sixth of its memory.
 */
const clientNodeWithoutSideEffects: Plugin = {
  name: 'client-node-side-effect-free',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'resolved' || !/[\\/]@kubernetes[\\/]client-node[\\/]/.test(args.importer)) return undefined
      const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolved' })
      return r.errors.length ? undefined : { ...r, sideEffects: false }
    })
  },
}

/**
 * node-fetch 2 (which client-node's KubeConfig imports for its Headers) requires whatwg-url at
 * load time, only to fall back on its URL where Node has none (`Url.URL || whatwgUrl.URL`). Node
 * always has one, and whatwg-url's Unicode tables (tr46) were half of the Kubernetes chunk and
 * built a large table on every start; node-fetch gets Node's URL instead.
 */
const whatwgUrlFromNode: Plugin = {
  name: 'whatwg-url-from-node',
  setup(b) {
    b.onResolve({ filter: /^whatwg-url$/ }, (args) => (/[\\/]node-fetch[\\/]/.test(args.importer) ? { path: 'whatwg-url', namespace: 'node-url' } : undefined))
    b.onLoad({ filter: /.*/, namespace: 'node-url' }, () => ({ contents: "const { URL, URLSearchParams } = require('node:url'); module.exports = { URL, URLSearchParams }", loader: 'js' }))
  },
}

export async function bundle(): Promise<void> {
  await rm(OUT, { recursive: true, force: true })
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { playbook: 'runner/cli-bundle.ts' },
    outdir: OUT,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // A package's ES module build where it has one (the AWS SDK clients do): esbuild keeps only the
    // commands used and needs no CommonJS wrapper with a getter per export. A plan of the reference
    // estate took about a fifth less time (median 848 -> 666 ms, 9 runs each).
    mainFields: ['module', 'main'],
    target: 'node20',
    sourcemap: 'linked',
    sourcesContent: false,
    minify: true,
    keepNames: true,
    legalComments: 'none',
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: banner },
    metafile: true,
    plugins: [clientNodeWithoutSideEffects, whatwgUrlFromNode],
    // Required at run time from node_modules, by cron-parser and steps/kube/handover.ts alike, so
    // both share one luxon and the locale that handover.ts sets.
    external: ['luxon'],
    logLevel: 'warning',
  })
  // What each chunk holds, for anyone asking why start-up loads what it loads.
  await writeFile(`${OUT}/meta.json`, JSON.stringify(result.metafile))
  const outputs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'))
  const total = outputs.reduce((n, [, o]) => n + o.bytes, 0)
  process.stdout.write(`bundle: ${outputs.length} files, ${(total / 1024 / 1024).toFixed(1)} MiB in dist/bundle\n`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await bundle()
