#!/usr/bin/env node
/**
 * Entrypoint of the bundled `playbook` (build/bundle.ts): turns on source maps, so stack traces
 * name the .ts files, then runs the same entrypoint as the unbundled build.
 */
process.setSourceMapsEnabled(true)
await import('./cli.js')
