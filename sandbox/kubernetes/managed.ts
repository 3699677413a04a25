/**
 * `metadata.managedFields` bookkeeping: server-side apply (merge, conflicts, force, removal of
 * fields a manager stopped applying) and ownership moves on ordinary writes (create, update,
 * patch), as the real field manager does it at the granularity of {@link leafPaths}.
 */
import type { StoredObject } from '../estate.js'
import { canonicalJson } from './object-meta.js'
import { displayPath, fromFieldsV1, fromKey, getAt, leafPaths, removeAt, toFieldsV1 } from './fields.js'
import { strategicMergePatch } from './patch.js'
import { KubeStatusError } from './status.js'

type Obj = StoredObject

type Entry = { manager: string; operation: 'Apply' | 'Update'; apiVersion: string; time: string; paths: Set<string> }

function readEntries(obj: Obj | null): Entry[] {
  const raw = (obj?.metadata.managedFields as Array<Record<string, unknown>> | undefined) ?? []
  return raw
    .filter((e) => !e.subresource)
    .map((e) => ({
      manager: String(e.manager),
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: String(e.apiVersion),
      time: String(e.time),
      paths: fromFieldsV1(e.fieldsV1),
    }))
}

function writeEntries(obj: Obj, entries: Entry[]): void {
  obj.metadata.managedFields = entries
    .filter((e) => e.paths.size > 0)
    .map((e) => ({
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      time: e.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1([...e.paths].sort()),
    }))
}

function entryFor(entries: Entry[], manager: string, operation: Entry['operation'], apiVersion: string, time: string): Entry {
  let e = entries.find((x) => x.manager === manager && x.operation === operation)
  if (!e) {
    e = { manager, operation, apiVersion, time, paths: new Set() }
    entries.push(e)
  }
  e.time = time
  e.apiVersion = apiVersion
  return e
}

const label = (e: Entry) => (e.operation === 'Update' ? `"${e.manager}" using ${e.apiVersion}` : `"${e.manager}"`)

function conflictError(conflicts: Array<{ who: string; path: string }>): KubeStatusError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.who}`, field: displayPath(c.path) }))
  let message: string
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${conflicts[0].who}: ${displayPath(conflicts[0].path)}`
  } else {
    const byWho = new Map<string, string[]>()
    for (const c of conflicts) byWho.set(c.who, [...(byWho.get(c.who) ?? []), displayPath(c.path)])
    const lines = [...byWho.keys()].sort().flatMap((w) => [`conflicts with ${w}:`, ...byWho.get(w)!.map((p) => `- ${p}`)])
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`
  }
  return new KubeStatusError(409, 'Conflict', message, { causes })
}

/**
 * Server-side apply of `config` by `manager` onto `current` (null: the object is created).
 * Throws a 409 naming every conflicting field unless `force`; with force the manager takes them.
 */
export function applyConfig(current: Obj | null, config: Obj, manager: string, force: boolean, time: string, skipStatus: boolean): Obj {
  const apiVersion = String(config.apiVersion)
  const entries = readEntries(current)
  const mine = leafPaths(config, skipStatus)
  const conflicts: Array<{ who: string; path: string; entry: Entry }> = []
  for (const p of mine) {
    const path = fromKey(p)
    if (canonicalJson(getAt(config, path)) === canonicalJson(getAt(current, path))) continue
    for (const e of entries) if (e.manager !== manager && e.paths.has(p)) conflicts.push({ who: label(e), path: p, entry: e })
  }
  if (conflicts.length > 0 && !force) throw conflictError(conflicts)
  for (const c of conflicts) c.entry.paths.delete(c.path)

  const merged = strategicMergePatch(current ?? {}, config) as Obj
  const own = entryFor(entries, manager, 'Apply', apiVersion, time)
  for (const p of own.paths) {
    if (mine.has(p) || entries.some((e) => e !== own && e.paths.has(p))) continue
    removeAt(merged, fromKey(p))
  }
  own.paths = mine
  writeEntries(merged, entries)
  return merged
}

/** Moves ownership of every field that `next` changes relative to `prev` to `manager` (Update). */
export function recordUpdate(prev: Obj | null, next: Obj, manager: string, time: string, skipStatus: boolean): void {
  const entries = readEntries(prev)
  const before = prev ? leafPaths(prev, skipStatus) : new Set<string>()
  const after = leafPaths(next, skipStatus)
  const changed = [...after].filter((p) => !before.has(p) || canonicalJson(getAt(prev, fromKey(p))) !== canonicalJson(getAt(next, fromKey(p))))
  const gone = [...before].filter((p) => !after.has(p))
  for (const e of entries) for (const p of [...changed, ...gone]) e.paths.delete(p)
  if (changed.length > 0) {
    const mine = entryFor(entries, manager, 'Update', String(next.apiVersion), time)
    for (const p of changed) mine.paths.add(p)
  }
  writeEntries(next, entries)
}
