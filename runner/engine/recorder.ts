/**
 * Writes the entries of one run: stamps version and time, and awaits durability. Every engine
 * write goes through here, so the order of entries is the order of awaits.
 */
import type { Clock } from '../clock.js'
import type { EntryInput, JournalEntry } from '../journal/entries.js'
import { JOURNAL_VERSION } from '../journal/entries.js'
import type { Journal } from '../journal/journal.js'

export class Recorder {
  constructor(
    private readonly journal: Journal,
    readonly runId: string,
    private readonly clock: Clock,
  ) {}

  async write(entry: EntryInput): Promise<void> {
    await this.journal.append(this.runId, this.stamp(entry))
  }

  /** Several entries, durable together when it resolves (one fsync where the journal can batch). */
  async writeMany(entries: EntryInput[]): Promise<void> {
    const stamped = entries.map((e) => this.stamp(e))
    if (this.journal.appendMany) return this.journal.appendMany(this.runId, stamped)
    for (const e of stamped) await this.journal.append(this.runId, e)
  }

  private stamp(entry: EntryInput): JournalEntry {
    return { v: JOURNAL_VERSION, at: this.clock.now(), ...entry } as JournalEntry
  }
}
