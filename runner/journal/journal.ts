/**
 * The journal contract and its in-memory implementation (tests, plans).
 * The file implementation (journal/file.ts) keeps the same guarantees on disk.
 */
import type { JournalEntry } from './entries.js'

export interface Journal {
  /**
   * Append one entry to run `runId`. When the promise resolves the entry is durable (the file
   * implementation has fsynced it). Entries are never rewritten.
   */
  append(runId: string, entry: JournalEntry): Promise<void>
  /**
   * Append several entries to run `runId` in order, as one write: when the promise resolves all
   * of them are durable (one fsync for the lot). A crash before it resolves may keep any prefix
   * of them, never a later entry without the earlier ones. Optional: a journal without it gets
   * one `append` per entry (see Recorder.writeMany).
   */
  appendMany?(runId: string, entries: JournalEntry[]): Promise<void>
  /** Every entry of a run, in append order; a torn last line is dropped. Empty if unknown. */
  read(runId: string): Promise<JournalEntry[]>
  /** Run ids, oldest first (run ids sort by start time). */
  runs(): Promise<string[]>
}

/** Journal kept in memory. Entries are deep-copied so later mutation cannot rewrite history. */
export class MemoryJournal implements Journal {
  private readonly byRun = new Map<string, JournalEntry[]>()
  /** Every append in order, for tests that check write-ahead ordering. */
  readonly log: Array<{ runId: string; entry: JournalEntry }> = []
  /** Durable writes so far: one per `append` and one per `appendMany`, as the file journal syncs. */
  writes = 0

  async append(runId: string, entry: JournalEntry): Promise<void> {
    this.writes += 1
    this.push(runId, entry)
  }

  async appendMany(runId: string, entries: JournalEntry[]): Promise<void> {
    if (entries.length === 0) return
    this.writes += 1
    for (const e of entries) this.push(runId, e)
  }

  private push(runId: string, entry: JournalEntry): void {
    const copy = structuredClone(entry)
    const list = this.byRun.get(runId) ?? []
    list.push(copy)
    this.byRun.set(runId, list)
    this.log.push({ runId, entry: copy })
  }

  async read(runId: string): Promise<JournalEntry[]> {
    return structuredClone(this.byRun.get(runId) ?? [])
  }

  async runs(): Promise<string[]> {
    return [...this.byRun.keys()].sort()
  }
}
