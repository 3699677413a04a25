/**
 * An example playbook with one of its gates swapped for an HTTP check of the test's own, which
 * answers only once the test opens it: a run started on it holds its lock until then, so a second
 * run overlaps it however slowly the machine starts processes. `reached` resolves once the run is
 * waiting at that check (it makes no API call while it waits).
 */
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { REFERENCE, ROOT } from './reference-run.js'

export type GatedReference = { playbook: string; reached: Promise<void>; open(): void; close(): Promise<void> }

/** The reference playbook with the approval of its weighted shift swapped for the held check. */
export function gatedReference(): Promise<GatedReference> {
  return gatedPlaybook(REFERENCE, (text, url) => text.replace('approval: Is the website healthy on EKS?', `http: { url: "${url}", times: 1 }`))
}

/**
 * A copy of playbooks/<file> in which `swap` puts the held check (`url`) in place of a gate. The
 * copy sits in a playbooks/ directory next to a link to fixtures/, so relative paths resolve.
 */
export async function gatedPlaybook(file: string, swap: (text: string, url: string) => string): Promise<GatedReference> {
  const held: ServerResponse[] = []
  let opened = false
  let reach = () => {}
  const reached = new Promise<void>((r) => (reach = r))
  const server = createServer((_req, res) => {
    if (opened) return void res.end('ok')
    held.push(res)
    reach()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`
  const original = await readFile(file, 'utf8')
  const gated = swap(original, url)
  if (gated === original) throw new Error(`${basename(file)} has no gate to swap for the held check`)
  const dir = await mkdtemp(join(tmpdir(), 'switchover-gated-'))
  await mkdir(join(dir, 'playbooks'))
  await symlink(join(ROOT, 'fixtures'), join(dir, 'fixtures'))
  const playbook = join(dir, 'playbooks', basename(file))
  await writeFile(playbook, gated)
  return {
    playbook,
    reached,
    open() {
      opened = true
      for (const res of held.splice(0)) res.end('ok')
    },
    async close() {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
      await rm(dir, { recursive: true, force: true })
    },
  }
}
