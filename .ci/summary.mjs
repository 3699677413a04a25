// Prints vitest's JSON report as the closing line CI reads: "N passed, N failed".
import { readFileSync, existsSync } from 'node:fs'

const file = process.argv[2]
if (!file || !existsSync(file)) {
  console.log('0 passed, 1 failed')
  console.error(`no test report at ${file}: the test run did not finish`)
  process.exit(1)
}
const r = JSON.parse(readFileSync(file, 'utf8'))
const passed = r.numPassedTests ?? 0
const failed = (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0)
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
