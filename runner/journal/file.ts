/**
 * Append-only JSON-lines journal on disk: `<stateDir>/runs/<run-id>.jsonl`.
 * Each append opens the file for append, writes its line(s) in one write and fdatasyncs before
 * resolving, so an entry the engine has awaited survives a crash; `appendMany` puts a batch of
 * entries behind a single fdatasync. A line torn by a crash mid-write is dropped on
 * read, and the next append starts on a fresh line so it cannot be glued to the torn one.
 */
import { open, readFile, readdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { FILE_MODE, privateDir, tighten } from '../private-files.js'
import type { Journal } from './journal.js'
import type { JournalEntry } from './entries.js'
import { isRunId } from './run-id.js'

export class JournalReadError extends Error {
  constructor(file: string, cause: unknown) {
    super(`cannot read the journal ${file}: ${(cause as Error)?.message ?? cause}; check the state directory's permissions`, { cause })
  }
}

export class FileJournal implements Journal {
  private readonly dir: string
  private readonly repaired = new Set<string>()

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'runs')
  }

  fileOf(runId: string): string {
    if (!isRunId(runId)) throw new Error(`not a run id: ${JSON.stringify(runId)} (expected YYYYMMDD-HHMMSS-xxxx)`)
    return join(this.dir, `${runId}.jsonl`)
  }

  async append(runId: string, entry: JournalEntry): Promise<void> {
    await this.appendMany(runId, [entry])
  }

  async appendMany(runId: string, entries: JournalEntry[]): Promise<void> {
    if (entries.length === 0) return
    const file = this.fileOf(runId)
    let prefix = ''
    if (!this.repaired.has(runId)) {
      await privateDir(dirname(this.dir))
      await privateDir(this.dir)
      await tighten(file, FILE_MODE) // a file written by an older version
      prefix = (await endsTorn(file)) ? '\n' : ''
    }
    const fh = await open(file, 'a', FILE_MODE)
    try {
      await fh.write(prefix + entries.map((e) => JSON.stringify(e) + '\n').join(''))
      await fh.datasync()
    } finally {
      await fh.close()
    }
    if (!this.repaired.has(runId)) {
      this.repaired.add(runId)
      await syncDir(this.dir) // the new file's directory entry must be durable too
    }
  }

  async read(runId: string): Promise<JournalEntry[]> {
    const file = this.fileOf(runId)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new JournalReadError(file, e)
    }
    const out: JournalEntry[] = []
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue
      try {
        out.push(JSON.parse(line) as JournalEntry)
      } catch {
        // A torn line from a crash mid-write: the entry was never acknowledged, so drop it.
      }
    }
    return out
  }

  async runs(): Promise<string[]> {
    let names: string[]
    try {
      names = await readdir(this.dir)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new JournalReadError(this.dir, e)
    }
    return names
      .filter((n) => n.endsWith('.jsonl'))
      .map((n) => n.slice(0, -'.jsonl'.length))
      .filter(isRunId)
      .sort()
  }
}

async function endsTorn(file: string): Promise<boolean> {
  let fh
  try {
    fh = await open(file, 'r')
  } catch {
    return false
  }
  try {
    const { size } = await fh.stat()
    if (size === 0) return false
    const buf = Buffer.alloc(1)
    await fh.read(buf, 0, 1, size - 1)
    return buf[0] !== 0x0a
  } finally {
    await fh.close()
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
  } catch {
    // Some platforms cannot fsync a directory; the file's own fsync is what matters most.
  }
}
