/**
 * The journal on S3: `<prefix>/runs/<run-id>/<seq>.jsonl`, one object per append (or appendMany
 * batch), seq zero-padded from 000001 so listing returns segments in order. Same guarantees as
 * the file journal:
 * - durable before the call it covers: append resolves once S3 has answered the PUT;
 * - never overwritten: every segment is created with `If-None-Match: *`, so a second writer on
 *   the same run fails with {@link JournalConflict} instead of clobbering (the SDK's own retry of
 *   a PUT that did land is recognised by its identical body);
 * - no silent gaps: reading a run lists its segments; a missing number or an unparseable line is
 *   a {@link JournalSegmentError} naming the object.
 */
import type { ObjectStore } from '../state/object-store.js'
import { ConditionalConflict, PreconditionFailed } from '../state/object-store.js'
import type { JournalEntry } from './entries.js'
import type { Journal } from './journal.js'
import { isRunId } from './run-id.js'

const SEGMENT = /^(\d{6,})\.jsonl$/

/** Two writers on one run: the segment this one was about to write exists already. */
export class JournalConflict extends Error {
  constructor(runId: string, url: string, cause: unknown) {
    super(`journal of run ${runId}: ${url} was written by another process; two runs are writing the same run (is the state lock held by someone else?); stop the other one, then rerun to resume`, { cause })
  }
}

/** A segment of a run is missing or unreadable: the journal cannot be trusted past it. */
export class JournalSegmentError extends Error {
  constructor(readonly url: string, problem: string) {
    super(`journal segment ${url} ${problem}; the run's journal has a hole: restore the object from the bucket's versions (versioning on) before resuming or rolling back`)
  }
}

export class S3Journal implements Journal {
  private readonly nextSeq = new Map<string, number>()
  /** PUTs made (one per append or batch), as MemoryJournal counts writes. */
  writes = 0

  constructor(private readonly store: ObjectStore) {}

  private dirOf(runId: string): string {
    if (!isRunId(runId)) throw new Error(`not a run id: ${JSON.stringify(runId)} (expected YYYYMMDD-HHMMSS-xxxx)`)
    return `runs/${runId}/`
  }

  async append(runId: string, entry: JournalEntry): Promise<void> {
    await this.appendMany(runId, [entry])
  }

  private queue: Promise<unknown> = Promise.resolve()

  /** Appends go one after the other: each takes the next number only once the last one landed. */
  appendMany(runId: string, entries: JournalEntry[]): Promise<void> {
    const next = this.queue.then(() => this.write(runId, entries))
    this.queue = next.catch(() => {})
    return next
  }

  private async write(runId: string, entries: JournalEntry[]): Promise<void> {
    if (entries.length === 0) return
    const dir = this.dirOf(runId)
    let seq = this.nextSeq.get(runId)
    if (seq === undefined) seq = (await this.segments(runId)).length + 1 // resuming: continue after the last one
    const key = `${dir}${String(seq).padStart(6, '0')}.jsonl`
    const body = entries.map((e) => JSON.stringify(e) + '\n').join('')
    await this.create(runId, key, body)
    this.writes += 1
    this.nextSeq.set(runId, seq + 1)
  }

  private async create(runId: string, key: string, body: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.put(key, body, { ifNoneMatch: true })
        return
      } catch (e) {
        if (e instanceof ConditionalConflict && attempt < 4) {
          await new Promise((r) => setTimeout(r, 50 * attempt))
          continue
        }
        if (e instanceof PreconditionFailed || e instanceof ConditionalConflict) {
          // Our own earlier attempt may have landed (an answer lost, then retried): same bytes.
          if ((await this.store.get(key))?.body === body) return
          throw new JournalConflict(runId, this.store.urlOf(key), e)
        }
        throw e
      }
    }
  }

  /** The run's segment keys in order, checked to be 1..n without a gap. */
  private async segments(runId: string): Promise<string[]> {
    const dir = this.dirOf(runId)
    const keys = (await this.store.list(dir)).filter((k) => SEGMENT.test(k.slice(dir.length))).sort()
    keys.forEach((k, i) => {
      const n = Number(SEGMENT.exec(k.slice(dir.length))![1])
      if (n !== i + 1) throw new JournalSegmentError(this.store.urlOf(`${dir}${String(i + 1).padStart(6, '0')}.jsonl`), `is missing (the next one is ${this.store.urlOf(k)})`)
    })
    return keys
  }

  async read(runId: string): Promise<JournalEntry[]> {
    const keys = await this.segments(runId)
    const bodies = await Promise.all(keys.map((k) => this.store.get(k)))
    const out: JournalEntry[] = []
    bodies.forEach((obj, i) => {
      const url = this.store.urlOf(keys[i])
      if (!obj) throw new JournalSegmentError(url, 'was listed but is gone')
      if (!obj.body.endsWith('\n')) throw new JournalSegmentError(url, 'is torn (no final newline)')
      for (const [n, line] of obj.body.slice(0, -1).split('\n').entries()) {
        try {
          out.push(JSON.parse(line) as JournalEntry)
        } catch {
          throw new JournalSegmentError(url, `is torn (line ${n + 1} is not JSON)`)
        }
      }
    })
    this.nextSeq.set(runId, keys.length + 1)
    return out
  }

  async runs(): Promise<string[]> {
    return (await this.store.listPrefixes('runs/'))
      .map((p) => p.slice('runs/'.length).replace(/\/$/, ''))
      .filter(isRunId)
      .sort()
  }
}
