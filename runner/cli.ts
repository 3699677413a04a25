#!/usr/bin/env node
/** Entrypoint of `playbook`: the only place that sets the process exit code. */
import { processIo } from './cli/io.js'
import { main } from './cli/main.js'

// The AWS SDK warns on every start under Node 20 that its future releases will need Node 22;
// the versions pinned here support Node 20, so the warning tells an on-call user nothing.
process.removeAllListeners('warning')
process.on('warning', (w) => {
  if (!/NodeVersionSupportWarning/.test(`${w.name} ${w.message}`)) process.stderr.write(`${w.name}: ${w.message}\n`)
})

process.exitCode = await main(process.argv.slice(2), processIo())
