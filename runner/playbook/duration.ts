/**
 * Durations as written in playbooks: `90s`, `15m`, `1h`, `1h30m`, `500ms`. A bare number is
 * refused on purpose: `timeout: 30` could mean seconds or minutes.
 */

export const DURATION_PATTERN = /^(?:\d+(?:ms|s|m|h|d))+$/

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Milliseconds of a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION_PATTERN.test(text)) return undefined
  let total = 0
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!
  return total
}

/** 30 minutes: the step timeout when neither the step nor `defaults` sets one. */
export const DEFAULT_TIMEOUT_MS = 30 * 60_000
