#!/usr/bin/env node
/** Entrypoint of `playbook`: the only place that sets the process exit code. */
import { setFlagsFromString } from 'node:v8'
import { processIo } from './cli/io.js'
import { main } from './cli/main.js'

// Memory: after each full collection V8 lets the old generation grow to several times what is
// alive before it collects again, which made the large benchmark run peak at about 200 MiB of RSS
// for about 30 MiB of live objects. A growing factor of 1.2 keeps it near what is alive (about
// 150 MiB there) at no measured CPU cost. The collector reads the flag at each of its decisions,
// so setting it after start-up takes effect; a command-line flag would need `env -S` in the
// shebang, which BusyBox's env lacks.
setFlagsFromString('--heap-growing-percent=20')

// The AWS SDK warns on every start under Node 20 that its future releases will need Node 22;
// the versions pinned here support Node 20, so the warning tells an on-call user nothing.
process.removeAllListeners('warning')
process.on('warning', (w) => {
  if (!/NodeVersionSupportWarning/.test(`${w.name} ${w.message}`)) process.stderr.write(`${w.name}: ${w.message}\n`)
})

process.exitCode = await main(process.argv.slice(2), processIo())
