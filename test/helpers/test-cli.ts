/**
 * The `playbook` entrypoint with the test-only step types registered, for tests that run the CLI
 * as a child process on `test.memory` playbooks (through tsx). Otherwise the same as runner/cli.ts.
 */
import { processIo } from '../../runner/cli/io.js'
import { main } from '../../runner/cli/main.js'
import { testRegistry } from './test-registry.js'

process.exitCode = await main(process.argv.slice(2), processIo(), { registry: testRegistry })
