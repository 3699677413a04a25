/**
 * Preloaded into a measured CLI process (`node --import`): on exit it writes the process's peak
 * resident set size and CPU time to the file named by BENCH_RSS_FILE, so the benchmark reports the
 * runner's own figures, not the benchmark's (which hosts the sandbox).
 */
import { writeFileSync } from 'node:fs'

const file = process.env.BENCH_RSS_FILE
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage()
    writeFileSync(file, JSON.stringify({ maxRssKiB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }))
  })
}
