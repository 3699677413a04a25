/**
 * Turns playbook text into a YAML document with positions, refusing what must never reach the
 * schema: oversized files, runaway nesting, syntax errors, several documents, anchors and aliases
 * (an alias bomb expands a small file into billions of nodes; playbooks have no use for them).
 */
import { isAlias, isCollection, isPair, isScalar, LineCounter, parseDocument, visit } from 'yaml'
import type { Document, Node } from 'yaml'
import { MAX_DEPTH, MAX_FILE_BYTES, scanNesting } from './limits.js'
import type { Problem } from './types.js'

/** A parsed playbook file: its document, the line index and the plain value. */
export type Source = {
  file: string
  text: string
  doc: Document.Parsed
  lines: LineCounter
  data: unknown
}

export type SourceResult = { ok: true; source: Source } | { ok: false; problems: Problem[] }

/** Builds a problem at a character offset of the text. */
export function problemAt(file: string, lines: LineCounter, offset: number, path: string, message: string): Problem {
  const { line, col } = lines.linePos(Math.max(0, offset))
  return { file, line, col, path, message }
}

export function sizeProblem(file: string, bytes: number): Problem {
  const mib = (bytes / (1024 * 1024)).toFixed(1)
  return {
    file, line: 1, col: 1, path: '',
    message: `file is ${mib} MiB; playbooks are limited to ${MAX_FILE_BYTES / (1024 * 1024)} MiB (split it, or move data out of it)`,
  }
}

/** Parses and screens the text. Never throws on any input. */
export function readSource(text: string, file: string): SourceResult {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_FILE_BYTES) return { ok: false, problems: [sizeProblem(file, bytes)] }
  const lines = new LineCounter()
  const deepAt = scanNesting(text)
  if (deepAt >= 0) {
    lines.addNewLine(0)
    for (const m of text.matchAll(/\n/g)) lines.addNewLine(m.index + 1)
    return { ok: false, problems: [problemAt(file, lines, deepAt, '', depthMessage())] }
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false })
  const problems: Problem[] = doc.errors.map((e) => problemAt(file, lines, e.pos[0], '', `YAML: ${yamlMessage(e.code, e.message)}`))
  if (problems.length > 0) return { ok: false, problems }
  problems.push(...screenNodes(doc, text, file, lines))
  if (problems.length > 0) return { ok: false, problems }
  if (doc.contents === null) {
    return { ok: false, problems: [problemAt(file, lines, 0, '', 'the playbook is empty; start with `version: 1`')] }
  }
  return { ok: true, source: { file, text, doc, lines, data: doc.toJS({ maxAliasCount: 0 }) } }
}

/** The parser's own words, except where they speak to programmers rather than playbook authors. */
function yamlMessage(code: string, message: string): string {
  if (code === 'RESOURCE_EXHAUSTION') return depthMessage()
  if (code === 'MULTIPLE_DOCS') return 'a playbook file holds one YAML document; remove the extra `---` and what follows'
  return message
}

function depthMessage(): string {
  return `nesting deeper than ${MAX_DEPTH} levels; a playbook never needs that`
}

/** Anchors, aliases, non-string keys and nesting depth, found in one pass over the tree. */
function screenNodes(doc: Document.Parsed, text: string, file: string, lines: LineCounter): Problem[] {
  const problems: Problem[] = []
  let deepest = 0
  const aliases = new Set<string>()
  visit(doc, (_key, node, path) => {
    if (isAlias(node)) {
      // One problem per alias name: an alias bomb repeats the same few names thousands of times.
      if (aliases.has(node.source)) return visit.SKIP
      aliases.add(node.source)
      problems.push(problemAt(file, lines, node.range?.[0] ?? 0, '', `YAML aliases (*${node.source}) are not allowed in playbooks; write the value out`))
      return visit.SKIP
    }
    if (isPair(node) && isCollection(node.key)) {
      problems.push(problemAt(file, lines, node.key.range?.[0] ?? 0, '', 'map keys must be plain strings, not maps or lists'))
      return visit.SKIP
    }
    if ((isScalar(node) || isCollection(node)) && (node as Node).anchor) {
      const n = node as Node
      const start = n.range?.[0] ?? 0
      // The node's range starts at its value; point at the `&name` that precedes it.
      const amp = text.lastIndexOf(`&${n.anchor}`, start)
      const at = amp >= 0 ? amp : start
      problems.push(problemAt(file, lines, at, '', `YAML anchors (&${n.anchor}) are not allowed in playbooks; write the value out`))
    }
    if (isCollection(node)) {
      const depth = path.filter((p) => isCollection(p)).length + 1
      if (depth > MAX_DEPTH && deepest <= MAX_DEPTH) {
        problems.push(problemAt(file, lines, node.range?.[0] ?? 0, '', depthMessage()))
      }
      deepest = Math.max(deepest, depth)
      if (depth > MAX_DEPTH) return visit.SKIP
    }
    return undefined
  })
  return problems
}
