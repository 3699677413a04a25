/** Times in a report: ISO on the run's clock, and relative to the run's start (`+4:05`). */
export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')

/** `+0:05`, `+12:30`, `+1:02:03` from the run's start. */
export function relative(ms: number, start: number): string {
  const d = Math.round((ms - start) / 1000)
  const sign = d < 0 ? '-' : '+'
  const s = Math.abs(d)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, '0')
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${ss}` : `${sign}${m}:${ss}`
}

/** `45 s`, `4 min 5 s`, `1 h 2 min`. */
export function span(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = Math.round(ms / 1000)
  if (s < 120) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 120) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`
}
