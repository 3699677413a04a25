/**
 * Preloaded into a measured CLI process (`node --import`): on exit it writes the process's peak
 * resident set size to the file named by BENCH_RSS_FILE, so the benchmark reports the runner's
 * own memory, not the benchmark's.
 */
import { writeFileSync } from 'node:fs'

const file = process.env.BENCH_RSS_FILE
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })))
