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
// The young generation: V8 doubles it each time many of its objects survive a scavenge, which
// loading the AWS SDK and the Kubernetes client does, up to 32 MiB that then stay resident for the
// whole run. The CLI's objects are few and short-lived, so it stays at its initial 2 MiB: about
// 25 MiB less RSS, for a few per cent more CPU in scavenges (measured on both benchmark estates).
// Unlike its maximum size (fixed when the heap is set up), the growth factor is read at each
// scavenge, so it too can be set here.
setFlagsFromString('--semi-space-growth-factor=1')
// No optimizing compiler (TurboFan): a command's time goes to start-up and to waiting on APIs, and
// the few functions hot enough to be optimized did not pay back the compiling. Without it the
// medium estate's run took about 2.0 -> 1.5 s of CPU, the large estate's about the same CPU, and
// both about 7-9 MiB less RSS (TurboFan's compile zones, and its code pages in the binary). Only
// CPU-bound loops lose (parsing 300 CronJobs' YAML was one: it is now parsed once per run).
// Ignition and the baseline compiler (Sparkplug), and Node 24's Maglev, stay on.
setFlagsFromString('--no-turbofan')

// The AWS SDK warns on every start under Node 20 that its future releases will need Node 22;
// the versions pinned here support Node 20, so the warning tells an on-call user nothing.
process.removeAllListeners('warning')
process.on('warning', (w) => {
  if (!/NodeVersionSupportWarning/.test(`${w.name} ${w.message}`)) process.stderr.write(`${w.name}: ${w.message}\n`)
})

process.exitCode = await main(process.argv.slice(2), processIo())
