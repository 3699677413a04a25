/**
 * Stack traces of the bundle name the .ts files, read from the bundle's source maps only when a
 * stack trace is formatted.
 *
 * Node's own support (`process.setSourceMapsEnabled`) reads and keeps the map of every chunk as
 * the chunk loads, whether or not a stack trace is ever printed: about 10 MiB of a run's memory
 * (the mappings, names and sources of a dozen chunks). Here a chunk's map is read, once, the
 * first time a stack trace passes through that chunk, and frames elsewhere are left as V8 writes
 * them.
 */
import { readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { fileURLToPath } from 'node:url'

type Frame = { getFileName(): string | undefined | null; getLineNumber(): number | null; getColumnNumber(): number | null; toString(): string }

/** Maps the frames of files under `root` (a file URL ending in `/`) through their `.map` files. */
export function mapStackTraces(root: string): void {
  const maps = new Map<string, SourceMap | null>()
  const mapOf = (file: string): SourceMap | null => {
    let map = maps.get(file)
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(fileURLToPath(`${file}.map`), 'utf8')))
      } catch {
        map = null // no map, or not readable: the frame stays as it is
      }
      maps.set(file, map)
    }
    return map
  }
  const located = (frame: Frame): string => {
    const text = frame.toString()
    const file = frame.getFileName()
    const line = frame.getLineNumber()
    const column = frame.getColumnNumber()
    if (!file?.startsWith(root) || line === null || column === null) return text
    const entry = mapOf(file)?.findEntry(line - 1, column - 1)
    if (!entry || !('originalSource' in entry)) return text
    const source = new URL(entry.originalSource, file)
    const where = `${source.protocol === 'file:' ? fileURLToPath(source) : source.href}:${entry.originalLine + 1}:${entry.originalColumn + 1}`
    const generated = `${file}:${line}:${column}`
    return text.includes(generated) ? text.replace(generated, where) : `${text} [${where}]`
  }
  Error.prepareStackTrace = (error: unknown, frames: Frame[]) => {
    let head: string
    try {
      head = Error.prototype.toString.call(error)
    } catch {
      head = '<error>'
    }
    return head + frames.map((f) => `\n    at ${located(f)}`).join('')
  }
}
