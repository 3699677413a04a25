/**
 * Preloaded into a measured CLI process (`node --import`): on exit it writes the process's peak
 * resident set size and CPU time to the file named by BENCH_RSS_FILE, so the benchmark reports the
 * runner's own figures, not the benchmark's (which hosts the sandbox). It also writes where the
 * wall time went: the time at least one HTTP request was in flight (API round-trips, from
 * Node's http diagnostics channels), the time spent in fsync/fdatasync (the journal), and the
 * modules the process loaded (bench/perf/module-load.ts times importing them alone).
 */
import { subscribe } from 'node:diagnostics_channel'
import { writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { Session } from 'node:inspector'
import { performance } from 'node:perf_hooks'

const file = process.env.BENCH_RSS_FILE
if (file) {
  // API round-trips: the union of the intervals during which a request is in flight.
  let inFlight = 0
  let since = 0
  let roundTripMs = 0
  let requests = 0
  const started = new WeakSet<object>()
  const begin = (req: object) => {
    if (started.has(req)) return
    started.add(req)
    requests++
    if (inFlight++ === 0) since = performance.now()
  }
  const end = (req: object) => {
    if (!started.has(req)) return
    started.delete(req)
    if (--inFlight === 0) roundTripMs += performance.now() - since
  }
  subscribe('http.client.request.start', (m) => begin((m as { request: object }).request))
  subscribe('http.client.response.finish', (m) => end((m as { request: object }).request))
  subscribe('http.client.request.error', (m) => end((m as { request: object }).request))
  subscribe('undici:request:create', (m) => begin((m as { request: object }).request))
  subscribe('undici:request:trailers', (m) => end((m as { request: object }).request))
  subscribe('undici:request:error', (m) => end((m as { request: object }).request))

  // Journal fsyncs: FileHandle.sync / datasync (the journal and the lock use fs/promises).
  let fsyncMs = 0
  let fsyncs = 0
  const fh = await open(process.execPath, 'r')
  const proto = Object.getPrototypeOf(fh) as Record<'sync' | 'datasync', (this: unknown) => Promise<void>>
  await fh.close()
  for (const name of ['sync', 'datasync'] as const) {
    const original = proto[name]
    proto[name] = async function (this: unknown) {
      const t0 = performance.now()
      try {
        return await original.call(this)
      } finally {
        fsyncMs += performance.now() - t0
        fsyncs++
      }
    }
  }

  process.on('exit', () => {
    const u = process.resourceUsage()
    // The modules loaded, from the inspector's script events: enabling its debugger reports every
    // script already parsed, so it is enabled only now, after the peak RSS is read (enabled from
    // the start, it added about 3 MiB to it). A module loader hook would say the same, but Node
    // runs hooks on a thread of their own, which adds about 10 MiB.
    const modulesFile = `${file}.modules`
    const loaded: string[] = []
    const session = new Session()
    session.connect()
    session.on('Debugger.scriptParsed', (m) => {
      if (m.params.url.startsWith('file:')) loaded.push(m.params.url)
    })
    session.post('Debugger.enable')
    session.disconnect()
    writeFileSync(modulesFile, loaded.join('\n') + '\n')
    writeFileSync(file, JSON.stringify({ maxRssKiB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, roundTripMs, requests, fsyncMs, fsyncs, modulesFile }))
  })
}
