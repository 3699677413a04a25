#!/usr/bin/env node
/** Entrypoint of `playbook`: the only place that sets the process exit code. */
import { processIo } from './cli/io.js'
import { main } from './cli/main.js'

process.exitCode = await main(process.argv.slice(2), processIo())
