/**
 * Records every module URL Node resolves from the moment it is started, so a test can assert
 * that a code path never loads a package (for instance that `playbook validate` never reaches
 * an AWS or Kubernetes client). The hooks run on Node's loader thread and report over a port;
 * `seen()` first imports a unique marker and waits for it, and since a port delivers in order,
 * every resolution before the marker has been recorded by then.
 */
import { register } from 'node:module'
import { MessageChannel } from 'node:worker_threads'

export interface ModuleWatch {
  /** Every module URL resolved since the watch started, up to this call. */
  seen(): Promise<string[]>
}

export function watchModules(): ModuleWatch {
  const urls: string[] = []
  const waiting = new Map<number, () => void>()
  const { port1, port2 } = new MessageChannel()
  port1.on('message', (url: string) => {
    const marker = /modulewatch(\d+)=/.exec(url)
    if (marker) waiting.get(Number(marker[1]))?.()
    else urls.push(url)
  })
  port1.unref()
  register(new URL('./module-watch-hooks.mjs', import.meta.url), { data: { port: port2 }, transferList: [port2] })
  let n = 0
  return {
    async seen() {
      const id = ++n
      const arrived = new Promise<void>((resolve) => waiting.set(id, resolve))
      await import(`data:text/javascript,export const modulewatch${id}=1`)
      await arrived
      waiting.delete(id)
      return [...urls]
    },
  }
}
