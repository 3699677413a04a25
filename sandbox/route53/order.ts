/**
 * Route 53's order of record sets, as ListResourceRecordSets returns them: names compared by
 * their labels from the right (so `example.com.` sorts before `a.example.com.`), then type,
 * then set identifier.
 */
import type { RecordSet } from '../estate.js'

/** Lower case, trailing dot, `\052` for a leading `*` as Route 53 writes it back. */
export function normalizeName(name: string): string {
  let n = name.toLowerCase()
  if (!n.endsWith('.')) n += '.'
  return n.replace(/^\*\./, '\\052.')
}

function labels(name: string): string[] {
  return normalizeName(name).slice(0, -1).split('.').reverse()
}

export function compareNames(a: string, b: string): number {
  const la = labels(a)
  const lb = labels(b)
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return la[i] < lb[i] ? -1 : 1
  }
  return la.length - lb.length
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Position of (name, type, identifier) in Route 53's order; absent type/identifier sort first. */
export function compareKeys(a: { name: string; type?: string; id?: string }, b: { name: string; type?: string; id?: string }): number {
  return compareNames(a.name, b.name) || cmp(a.type ?? '', b.type ?? '') || cmp(a.id ?? '', b.id ?? '')
}

export function compareRecordSets(a: RecordSet, b: RecordSet): number {
  return compareKeys({ name: a.Name, type: a.Type, id: a.SetIdentifier }, { name: b.Name, type: b.Type, id: b.SetIdentifier })
}
