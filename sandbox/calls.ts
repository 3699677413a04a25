/**
 * The calls log: every call the sandbox served, in memory and appended to a JSON-lines file.
 * Lines are buffered and written in order; `close` flushes everything before it resolves.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { dirname } from 'node:path'
import type { CallRecord } from './types.js'

export class CallLog {
  private readonly records: CallRecord[] = []
  private readonly out: WriteStream | null

  constructor(file?: string) {
    if (file) mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
    // Requests may carry Secret data: the log is private like the rest of the state.
    this.out = file ? createWriteStream(file, { flags: 'a', mode: 0o600 }) : null
  }

  append(record: CallRecord): void {
    this.records.push(record)
    this.out?.write(JSON.stringify(record) + '\n')
  }

  all(): CallRecord[] {
    return this.records.slice()
  }

  async close(): Promise<void> {
    const out = this.out
    if (!out || out.closed) return
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())))
  }
}
