/**
 * The reference playbook with its weighted shift gated on an HTTP check of the test's own, which
 * answers only once the test opens it: a run started on it holds its lock until then, so a second
 * run overlaps it however slowly the machine starts processes.
 */
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REFERENCE, ROOT } from './reference-run.js'

export type GatedReference = { playbook: string; open(): void; close(): Promise<void> }

export async function gatedReference(): Promise<GatedReference> {
  const held: ServerResponse[] = []
  let opened = false
  const server = createServer((_req, res) => (opened ? res.end('ok') : held.push(res)))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`
  const reference = await readFile(REFERENCE, 'utf8')
  const gated = reference.replace('approval: Is the website healthy on EKS?', `http: { url: "${url}", times: 1 }`)
  if (gated === reference) throw new Error('the reference playbook has no approval gate to replace')
  const dir = await mkdtemp(join(tmpdir(), 'switchover-gated-'))
  await mkdir(join(dir, 'playbooks'))
  await symlink(join(ROOT, 'fixtures'), join(dir, 'fixtures'))
  const playbook = join(dir, 'playbooks/switchover.yaml')
  await writeFile(playbook, gated)
  return {
    playbook,
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
