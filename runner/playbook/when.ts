/**
 * The `when` grammar, evaluated without code execution:
 *   when: true | false                      (YAML booleans, or the strings "true"/"false")
 *   when: "${{ vars.enabled }}"             (one template whose value is a boolean)
 *   when: "${{ env.name }} == prod"         (A == B or A != B, compared as strings after
 *                                            templating; either side may be quoted)
 * Operators are found in the text as written, outside templates, so a value that happens to
 * contain "==" cannot change the meaning of the condition.
 */
import { expandString, scan, stringify, type TemplateError, type TemplateScope } from './template.js'
import { describe } from './issues.js'

export type WhenResult = { value?: boolean; errors: TemplateError[]; grammar?: string }

const GRAMMAR = 'expected A == B, A != B, true, false, or one template that is a boolean'

export function evaluateWhen(when: string | boolean | undefined, scope: TemplateScope): WhenResult {
  if (when === undefined) return { value: true, errors: [] }
  if (typeof when === 'boolean') return { value: when, errors: [] }
  const { error } = scan(when)
  if (error) return { errors: [error] }
  const ops = [...maskTemplates(when).matchAll(/==|!=/g)]
  if (ops.length === 0) {
    const r = expandString(when.trim(), scope)
    if (r.errors.length > 0) return { errors: r.errors }
    if (typeof r.value === 'boolean') return { value: r.value, errors: [] }
    if (r.value === 'true' || r.value === 'false') return { value: r.value === 'true', errors: [] }
    return { errors: [], grammar: `${GRAMMAR}; got ${describe(r.value)}` }
  }
  if (ops.length > 1) return { errors: [], grammar: `${GRAMMAR}; only one comparison is allowed` }
  const at = ops[0]!.index
  const op = ops[0]![0]
  const [leftText, rightText] = [when.slice(0, at), when.slice(at + 2)]
  if (leftText.trim() === '' || rightText.trim() === '') {
    return { errors: [], grammar: `${GRAMMAR}; a side of ${op} is empty (write '' to compare with an empty string)` }
  }
  const left = operand(leftText, scope)
  const right = operand(rightText, scope)
  const errors = [...left.errors, ...right.errors]
  if (errors.length > 0) return { errors }
  const equal = left.value === right.value
  return { value: op === '==' ? equal : !equal, errors: [] }
}

/** The source with every template blanked out, same length, so offsets stay valid. */
function maskTemplates(s: string): string {
  let out = ''
  let i = 0
  while (i < s.length) {
    if (s.startsWith('$${{', i)) {
      out += '$${{'
      i += 4
      continue
    }
    const close = s.startsWith('${{', i) ? s.indexOf('}}', i + 3) : -1
    if (close >= 0) {
      out += '\u0000'.repeat(close + 2 - i)
      i = close + 2
    } else {
      out += s[i]
      i++
    }
  }
  return out
}

function operand(text: string, scope: TemplateScope): { value: string | null; errors: TemplateError[] } {
  let t = text.trim()
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0]) t = t.slice(1, -1)
  const r = expandString(t, scope)
  if (r.errors.length > 0) return { value: null, errors: r.errors }
  return { value: stringify(r.value), errors: [] }
}
