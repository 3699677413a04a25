/**
 * Opaque paging tokens for the sandbox's AWS list operations. A token encodes the position
 * after the last item served, so a caller that follows NextToken sees every item once as long
 * as the list does not change in between (the same guarantee the services give).
 */
export type Page<T> = { items: T[]; nextToken?: string }

/**
 * One page of `items` (already in the service's order) starting at `token`.
 * `badToken` builds the service's error for a token this sandbox did not issue.
 */
export function pageOf<T>(items: readonly T[], token: unknown, max: number, badToken: () => Error): Page<T> {
  let start = 0
  if (token !== undefined && token !== null && token !== '') {
    start = decode(token)
    if (start < 0) throw badToken()
  }
  const slice = items.slice(start, start + max)
  const end = start + slice.length
  return end < items.length ? { items: slice, nextToken: encode(end) } : { items: slice }
}

/** Reads a page size parameter: `fallback` when absent, an error outside `[1, limit]`. */
export function pageSize(value: unknown, fallback: number, limit: number, bad: (msg: string) => Error): number {
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > limit) {
    throw bad(`the page size must be an integer between 1 and ${limit}`)
  }
  return value
}

function encode(offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, o: offset })).toString('base64url')
}

function decode(token: unknown): number {
  if (typeof token !== 'string') return -1
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: unknown; o?: unknown }
    return value.v === 1 && typeof value.o === 'number' && Number.isInteger(value.o) ? value.o : -1
  } catch {
    return -1
  }
}
