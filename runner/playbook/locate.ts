/**
 * Maps a document path (from a zod issue or a semantic check) back to the YAML node it names,
 * so every problem carries the line and column of the offending node.
 */
import { isMap, isScalar, isSeq } from 'yaml'
import type { Node } from 'yaml'
import type { DocPath } from './problem.js'
import type { Source } from './yaml-source.js'

export type Located = {
  /** Offset of the node the path names, or of the deepest existing node on the way there. */
  offset: number
  /** Offset just past that node. */
  end: number
  /** False when the path names a key that does not exist (a missing required key). */
  found: boolean
}

/**
 * Finds the node at `path`. With `key: true` the position of the last key itself is returned
 * (used for unknown keys, where the key is what is wrong, not its value).
 */
export function locate(source: Source, path: DocPath, opts: { key?: boolean } = {}): Located {
  let node: Node | null = source.doc.contents as Node | null
  let here: Located = { offset: node?.range?.[0] ?? 0, end: node?.range?.[1] ?? 0, found: true }
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!
    const last = i === path.length - 1
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))
      if (pair === undefined) return { ...here, found: false }
      const keyNode = pair.key as Node
      if (last && opts.key) return { offset: keyNode.range?.[0] ?? here.offset, end: keyNode.range?.[1] ?? here.end, found: true }
      const value = pair.value as Node | null
      // `key:` with nothing after it has no value node with a useful range: point at the key.
      if (value === null || value.range === undefined || (isScalar(value) && value.value === null)) {
        here = { offset: keyNode.range?.[0] ?? here.offset, end: keyNode.range?.[1] ?? here.end, found: true }
        node = null
        if (!last) return { ...here, found: false }
        continue
      }
      node = value
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg] as Node
    } else {
      return { ...here, found: false }
    }
    here = { offset: node?.range?.[0] ?? here.offset, end: node?.range?.[1] ?? here.end, found: true }
  }
  return here
}

/** Offset of `needle` inside the located node's source text (a template in a string), else the node. */
export function locateWithin(source: Source, at: Located, needle: string): number {
  const idx = source.text.slice(at.offset, at.end).indexOf(needle)
  return idx >= 0 ? at.offset + idx : at.offset
}
