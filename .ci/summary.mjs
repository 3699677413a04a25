// Adds up vitest JSON reports (and --also counts) and prints the closing line CI reads: "N passed, N failed".
import { readFileSync, existsSync } from 'node:fs'

let passed = 0
let failed = 0
let skipped = 0
const args = process.argv.slice(2)
// `--also "passed: N, failed: M"`: counts from a runner that writes no vitest report.
while (args[0] === '--also') {
  const m = /passed: (\d+), failed: (\d+)/.exec(args[1] ?? '')
  if (m) {
    passed += Number(m[1])
    failed += Number(m[2])
  } else failed += 1
  args.splice(0, 2)
}
for (const file of args) {
  if (!existsSync(file)) {
    console.error(`no test report at ${file}: that test run did not finish`)
    failed += 1
    continue
  }
  let r
  try {
    r = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    console.error(`unreadable test report ${file}: ${e.message}`)
    failed += 1
    continue
  }
  passed += r.numPassedTests ?? 0
  failed += r.numFailedTests ?? 0
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  // A file that fails to load has no tests to count: count it as one failure.
  for (const suite of r.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed += 1
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
