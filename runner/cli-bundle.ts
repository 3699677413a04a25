#!/usr/bin/env node
/**
 * Entrypoint of the bundled `playbook` (build/bundle.ts): has stack traces name the .ts files
 * (runner/stack-maps.ts), then runs the same entrypoint as the unbundled build.
 */
import { mapStackTraces } from './stack-maps.js'

mapStackTraces(new URL('./', import.meta.url).href)
await import('./cli.js')
