/**
 * A one-shot hold for crash testing: the sandbox stops answering at a chosen mutating call, so a
 * harness can kill the client at exactly that point. Control API (not logged as calls):
 * `POST /_sandbox/hold {mutatingIndex: k, phase}` arms it, `GET /_sandbox/hold` says whether it
 * was reached, `DELETE /_sandbox/hold` releases it (held connections are dropped) and disarms.
 *
 * - `in-flight`: the k-th mutating call counted from arming is applied, but its answer is never
 *   sent: the change happened and the client never heard of it.
 * - `after`: the k-th mutating call is answered normally; the next service request (read or
 *   write) is held before it is served, so nothing after call k has reached the estate.
 *
 * Control requests are neither counted nor held: the harness and a remote clock use them. Only
 * mutating calls answered 2xx count: a throttled or refused call changed nothing.
 */
import type { Socket } from 'node:net'
import type { Operation, SandboxRequest, SandboxResponse } from './types.js'

export const HOLD_PATH = '/_sandbox/hold'
export const HOLD_PHASES = ['in-flight', 'after'] as const
export type HoldPhase = (typeof HOLD_PHASES)[number]
export type HoldSpec = { mutatingIndex: number; phase: HoldPhase }

/** What `GET /_sandbox/hold` answers. */
export type HoldStatus = {
  armed: boolean
  spec: HoldSpec | null
  /** Mutating service calls applied (answered 2xx) since the hold was armed. */
  mutatingSeen: number
  /** True once a connection is being held. */
  reached: boolean
  /** The operation held (in-flight: the applied call; after: the request held unserved). */
  heldOperation: string | null
}

export class InvalidHold extends Error {
  constructor(detail: string) {
    super(`sandbox hold: ${detail}; send {"mutatingIndex": <positive integer>, "phase": "in-flight" | "after"}`)
  }
}

export function parseHoldSpec(value: unknown): HoldSpec {
  if (!value || typeof value !== 'object') throw new InvalidHold('body is not a JSON object')
  const v = value as Record<string, unknown>
  if (!Number.isInteger(v.mutatingIndex) || (v.mutatingIndex as number) < 1) throw new InvalidHold('mutatingIndex must be a positive integer')
  if (!HOLD_PHASES.includes(v.phase as HoldPhase)) throw new InvalidHold(`unknown phase ${JSON.stringify(v.phase)}`)
  return { mutatingIndex: v.mutatingIndex as number, phase: v.phase as HoldPhase }
}

const JSON_HEADERS = { 'content-type': 'application/json' }

export class HoldPoint {
  private spec: HoldSpec | null = null
  private seen = 0
  private holdNext = false
  private held: Socket[] = []
  private heldOperation: string | null = null

  arm(spec: HoldSpec): void {
    this.release()
    this.spec = spec
  }

  status(): HoldStatus {
    return { armed: this.spec !== null, spec: this.spec, mutatingSeen: this.seen, reached: this.heldOperation !== null, heldOperation: this.heldOperation }
  }

  /** Drop every held connection and disarm. */
  release(): void {
    for (const s of this.held.splice(0)) s.destroy()
    this.spec = null
    this.seen = 0
    this.holdNext = false
    this.heldOperation = null
  }

  /** The hold's own control routes, or null when `req` is not one of them. */
  control(req: SandboxRequest): SandboxResponse | null {
    if (req.url.pathname.replace(/\/$/, '') !== HOLD_PATH) return null
    try {
      if (req.method === 'POST') this.arm(parseHoldSpec(JSON.parse(req.body.toString('utf8') || 'null')))
      else if (req.method === 'DELETE') this.release()
      else if (req.method !== 'GET') return { status: 405, headers: JSON_HEADERS, body: JSON.stringify({ message: `${req.method} ${HOLD_PATH}: use GET, POST or DELETE` }) }
      return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(this.status()) }
    } catch (e) {
      return { status: 400, headers: JSON_HEADERS, body: JSON.stringify({ message: (e as Error).message }) }
    }
  }

  /** Before serving a service request: true when it must be held unserved (phase `after`). */
  holdBefore(req: SandboxRequest, socket: Socket): boolean {
    if (!this.holdNext || req.url.pathname.startsWith('/_sandbox/')) return false
    this.holdNext = false
    this.park(socket, `${req.method} ${req.url.pathname}`)
    return true
  }

  /**
   * After serving a call: true when its answer must be withheld (phase `in-flight`). Only applied
   * service calls count (`applied`: a 2xx answer), so throttled or refused retries do not move k.
   */
  holdAfter(op: Operation, applied: boolean, socket: Socket): boolean {
    if (!this.spec || !applied || !op.mutating || this.heldOperation !== null) return false
    this.seen += 1
    if (this.seen !== this.spec.mutatingIndex) return false
    if (this.spec.phase === 'after') {
      this.holdNext = true
      return false
    }
    this.park(socket, op.name)
    return true
  }

  private park(socket: Socket, what: string): void {
    this.heldOperation = what
    this.held.push(socket)
    socket.once('close', () => (this.held = this.held.filter((s) => s !== socket)))
  }
}
