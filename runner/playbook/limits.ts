/**
 * Limits that keep hostile input cheap: the loader refuses a file past these before (or while)
 * parsing it, so no input can make `playbook validate` hang or exhaust memory.
 */

/** Largest playbook file accepted (1 MiB); real playbooks are a few kilobytes. */
export const MAX_FILE_BYTES = 1024 * 1024

/** Deepest nesting of maps and lists accepted; a playbook needs about 8. */
export const MAX_DEPTH = 64

/** At most this many problems are reported; the rest are counted in one final line. */
export const MAX_PROBLEMS = 200

/**
 * A linear pre-scan of the raw text for runaway nesting (`[[[[...` or ever deeper indentation),
 * which would otherwise cost the YAML parser seconds. It over-approximates on purpose (brackets
 * inside plain scalars count), so it only refuses text far deeper than any real playbook.
 * Returns the offset where the limit is passed, or -1.
 */
export function scanNesting(text: string, limit = MAX_DEPTH): number {
  let flow = 0
  const indents: number[] = []
  let lineStart = true
  let indent = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\n') {
      lineStart = true
      indent = 0
      continue
    }
    if (lineStart) {
      if (c === ' ') {
        indent++
        continue
      }
      lineStart = false
      if (c !== '#' && c !== '\r' && flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop()
        indents.push(indent)
        let dashes = 0
        for (let j = i; text[j] === '-' && text[j + 1] === ' '; j += 2) dashes++
        if (indents.length + dashes > limit) return i
      }
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]!))) {
      i = skipQuoted(text, i, c)
    } else if (c === '[' || c === '{') {
      if (++flow > limit) return i
    } else if ((c === ']' || c === '}') && flow > 0) {
      flow--
    }
  }
  return -1
}

function skipQuoted(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]
    if (quote === '"' && c === '\\') i++
    else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") i++
      else return i
    }
  }
  return text.length
}
