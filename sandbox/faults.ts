/**
 * Fault injection: rules that make the sandbox answer an error instead of serving a call.
 * Counting is per rule over the calls it matches (service and operation), from the time the
 * rule was added.
 */
import type { InjectedError, ServiceName } from './types.js'

/**
 * Fail calls of `operation` (`*` for any) of `service` (any when absent) with `error`:
 * only the `nth` matching call (1-based), or every `every`-th one, or (neither) every call;
 * at most `times` failures in all when given.
 */
export type FaultRule = {
  service?: ServiceName
  operation: string
  error: InjectedError
  nth?: number
  every?: number
  times?: number
}

const ERRORS: readonly InjectedError[] = ['Throttling', 'PriorRequestNotComplete', 'InternalError', 'Timeout', 'Conflict']

/** Thrown by {@link parseFaultRule} when a control API body is not a fault rule. */
export class InvalidFaultRule extends Error {
  constructor(detail: string) {
    super(`sandbox faults: ${detail}; send {"operation": "...", "error": "${ERRORS.join('|')}", "nth"?: n, "every"?: n, "times"?: n}`)
  }
}

export function parseFaultRule(value: unknown): FaultRule {
  if (!value || typeof value !== 'object') throw new InvalidFaultRule('body is not a JSON object')
  const r = value as Record<string, unknown>
  if (typeof r.operation !== 'string') throw new InvalidFaultRule('operation must be a string')
  if (!ERRORS.includes(r.error as InjectedError)) throw new InvalidFaultRule(`unknown error ${JSON.stringify(r.error)}`)
  for (const k of ['nth', 'every', 'times'] as const) {
    if (r[k] !== undefined && !(Number.isInteger(r[k]) && (r[k] as number) > 0)) throw new InvalidFaultRule(`${k} must be a positive integer`)
  }
  return r as FaultRule
}

type Armed = { rule: FaultRule; seen: number; fired: number }

export class FaultBook {
  private rules: Armed[] = []

  add(rule: FaultRule): void {
    this.rules.push({ rule: { ...rule }, seen: 0, fired: 0 })
  }

  clear(): void {
    this.rules = []
  }

  list(): FaultRule[] {
    return this.rules.map((a) => ({ ...a.rule }))
  }

  /** Count this call against every matching rule; the first rule that fires decides the error. */
  match(service: ServiceName, operation: string): InjectedError | null {
    let hit: InjectedError | null = null
    for (const a of this.rules) {
      const { rule } = a
      if (rule.service && rule.service !== service) continue
      if (rule.operation !== '*' && rule.operation !== operation) continue
      a.seen += 1
      if (rule.times !== undefined && a.fired >= rule.times) continue
      const fires = rule.nth !== undefined ? a.seen === rule.nth : rule.every !== undefined ? a.seen % rule.every === 0 : true
      if (fires && !hit) {
        a.fired += 1
        hit = rule.error
      }
    }
    return hit
  }
}
