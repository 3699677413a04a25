/**
 * Run ids: `YYYYMMDD-HHMMSS-<4 hex>` (UTC). They sort by start time; two runs started in the same
 * second get increasing suffixes, so "the latest run" is always the greatest id.
 */
const ID = /^\d{8}-\d{6}-[0-9a-f]{4}$/

export function isRunId(s: string): boolean {
  return ID.test(s)
}

/** A new id greater than every id in `existing`. */
export function newRunId(nowMs: number, existing: readonly string[]): string {
  const iso = new Date(nowMs).toISOString() // 2026-03-02T01:45:00.000Z
  const prefix = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`
  const latest = [...existing].filter(isRunId).sort().at(-1)
  if (latest === undefined || latest.slice(0, 15) < prefix) {
    // Leave room above for later runs of the same second.
    const n = Math.floor(Math.random() * 0x1000)
    return `${prefix}-${n.toString(16).padStart(4, '0')}`
  }
  // Same second, or a clock that went back: stay above the latest id.
  const n = parseInt(latest.slice(-4), 16) + 1
  if (n > 0xffff) throw new Error(`too many runs started in the second ${latest.slice(0, 15)}; retry in a second`)
  return `${latest.slice(0, 15)}-${n.toString(16).padStart(4, '0')}`
}
