/**
 * Reading the manifests of a k8s.apply step: a file or directory of YAML (multi-document), or the
 * output of a render command, through the runner's {@link StepFiles}. The result is the exact set
 * of objects the step applies: namespace defaulted, `status` and nulls dropped, and every CronJob
 * forced to `spec.suspend: true` (a CronJob must not fire while ECS still runs the same job).
 */
import { createHash } from 'node:crypto'
import { parseAllDocuments } from 'yaml'
import type { StepContext } from '../../runner/contract.js'
import type { KubeObject } from '../../runner/clients/kube-types.js'
import { StepError } from '../step-error.js'
import { isClusterScoped, isObject, type Json } from './objects.js'

export type ManifestSource = {
  path?: string | string[]
  render?: { command: string; args: string[] }
  namespace?: string
}

export class ManifestsUnreadable extends StepError {
  constructor(what: string, detail: string, cause?: unknown) {
    super('k8s.apply', 'observe', `cannot read manifests from ${what}: ${detail}`, 'Fix the manifests (or the render command) and run again', cause)
  }
}

/** The same object (API group, kind, namespace, name) twice in a step's manifests. */
export class DuplicateManifest extends StepError {
  constructor(what: string, first: string, second: string) {
    super('k8s.apply', 'observe', `${what} is in the manifests twice: ${first} and ${second}`, 'Keep one of them (or rename one) and run again')
  }
}

export async function loadManifests(ctx: StepContext, src: ManifestSource): Promise<KubeObject[]> {
  const files = ctx.files
  if (!files) throw new ManifestsUnreadable('the playbook', 'this runner gives steps no file access', undefined)
  const texts: Array<{ from: string; text: string }> = []
  try {
    if (src.render) {
      texts.push({ from: `\`${src.render.command}\``, text: await files.render(src.render.command, src.render.args) })
    } else {
      for (const path of [src.path ?? []].flat()) {
        for (const f of await files.list(path)) {
          if (/\.(ya?ml|json)$/i.test(f)) texts.push({ from: f, text: await files.readText(f) })
        }
      }
    }
  } catch (e) {
    const what = src.render?.command ?? [src.path ?? '?'].flat().join(', ')
    throw new ManifestsUnreadable(what, e instanceof Error ? e.message : String(e), e)
  }
  const positioned = texts.flatMap(({ from, text }) => parsePositioned(from, text))
  const objects = positioned.map(({ object, at }) => ({ object: normalizeManifest(object, src.namespace ?? 'default'), at }))
  refuseDuplicates(objects)
  return objects.map((o) => o.object)
}

export function parseObjects(from: string, text: string): KubeObject[] {
  return parsePositioned(from, text).map((p) => p.object)
}

type Positioned = { object: KubeObject; at: string }

/**
 * The parsed documents of the last few texts, by a hash of where they are from and what they say.
 * A run reads a step's manifests at its preflight, its plan, its apply and its rollout wait, and
 * each read parses the same text again: for 300 CronJobs, most of a second of CPU each time. The
 * files are still read each time, so an edit is seen; equal text parses to equal objects, which
 * the caller gets a copy of.
 */
const parsed = new Map<string, Positioned[]>()
const PARSED_KEPT = 8

function parsePositioned(from: string, text: string): Positioned[] {
  const key = createHash('sha256').update(from).update('\0').update(text).digest('base64')
  let docs = parsed.get(key)
  if (docs) parsed.delete(key)
  else docs = parseDocuments(from, text)
  parsed.set(key, docs)
  while (parsed.size > PARSED_KEPT) parsed.delete(parsed.keys().next().value!)
  return structuredClone(docs)
}

/** Objects with where each one is written: `file document 2` (`, item 3` inside a List). */
function parseDocuments(from: string, text: string): Positioned[] {
  const out: Positioned[] = []
  let index = 0
  for (const doc of parseAllDocuments(text)) {
    const at = `${from} document ${++index}`
    if (doc.errors.length > 0) throw new ManifestsUnreadable(from, doc.errors[0].message)
    const value = doc.toJS() as unknown
    if (value === null || value === undefined) continue
    if (!isObject(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
      throw new ManifestsUnreadable(from, 'every document must be an object with apiVersion and kind')
    }
    if (value.kind === 'List') {
      ;((value.items as unknown[]) ?? []).forEach((item, i) => out.push({ object: item as KubeObject, at: `${at}, item ${i + 1}` }))
      continue
    }
    const meta = value.metadata
    if (!isObject(meta) || typeof meta.name !== 'string') throw new ManifestsUnreadable(from, `a ${value.kind} has no metadata.name`)
    out.push({ object: value as unknown as KubeObject, at })
  }
  return out
}

/**
 * One object is one API group, kind, namespace and name: `apps/v1` and `apps/v1beta2` name the
 * same Deployment. Written twice, one would silently win (and the plan would show it twice).
 */
function refuseDuplicates(objects: Positioned[]): void {
  const seen = new Map<string, string>()
  for (const { object, at } of objects) {
    const group = object.apiVersion.includes('/') ? object.apiVersion.slice(0, object.apiVersion.lastIndexOf('/')) : ''
    const { kind, metadata: { name, namespace = '' } } = object
    const id = JSON.stringify([group, kind, namespace, name])
    const first = seen.get(id)
    if (first !== undefined) throw new DuplicateManifest(`${kind} ${namespace ? `${namespace}/` : ''}${name}`, first, at)
    seen.set(id, at)
  }
}

/** Defaults the namespace, drops status and nulls, merges a Secret's stringData into data, and suspends CronJobs. */
export function normalizeManifest(obj: KubeObject, namespace: string): KubeObject {
  const out = dropNulls(structuredClone(obj)) as KubeObject
  delete out.status
  if (!out.metadata.namespace && !isClusterScoped(out.kind)) out.metadata.namespace = namespace
  if (out.kind === 'Secret' && isObject(out.stringData)) {
    // What the API server does with stringData, done first, so that item states (and their
    // masks) are the `data` the server keeps and returns.
    const data = (isObject(out.data) ? out.data : {}) as { [k: string]: Json }
    for (const [k, v] of Object.entries(out.stringData)) data[k] = Buffer.from(String(v)).toString('base64')
    out.data = data
    delete out.stringData
  }
  if (out.kind === 'CronJob') {
    const spec = (isObject(out.spec) ? out.spec : {}) as { [k: string]: Json }
    out.spec = { ...spec, suspend: true }
  }
  return out
}

function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls)
  if (isObject(v)) {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = dropNulls(x)
    return out
  }
  return v
}
