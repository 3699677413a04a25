/**
 * A journal that simulates the process dying: it passes entries to `inner` until `dies(entry)`
 * is true, throws there, and from then on nothing more reaches the disk. Only `append` is
 * offered, so the engine writes entry by entry and the death lands exactly at one entry.
 */
import type { JournalEntry } from '../../runner/journal/entries.js'
import type { Journal } from '../../runner/journal/journal.js'

export class ProcessDied extends Error {}

export function dyingJournal(inner: Journal, dies: (e: JournalEntry) => boolean): Journal {
  let dead = false
  return {
    async append(runId, entry) {
      if (dead || dies(entry)) {
        dead = true
        throw new ProcessDied('the process died here')
      }
      await inner.append(runId, entry)
    },
    read: (runId) => inner.read(runId),
    runs: () => inner.runs(),
  }
}
