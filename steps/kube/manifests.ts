/**
 * Reading the manifests of a k8s.apply step: a file or directory of YAML (multi-document), or the
 * output of a render command, through the runner's {@link StepFiles}. The result is the exact set
 * of objects the step applies: namespace defaulted, `status` and nulls dropped, and every CronJob
 * forced to `spec.suspend: true` (a CronJob must not fire while ECS still runs the same job).
 */
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
  const objects = texts.flatMap(({ from, text }) => parseObjects(from, text))
  return objects.map((o) => normalizeManifest(o, src.namespace ?? 'default'))
}

export function parseObjects(from: string, text: string): KubeObject[] {
  const out: KubeObject[] = []
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new ManifestsUnreadable(from, doc.errors[0].message)
    const value = doc.toJS() as unknown
    if (value === null || value === undefined) continue
    if (!isObject(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
      throw new ManifestsUnreadable(from, 'every document must be an object with apiVersion and kind')
    }
    if (value.kind === 'List') {
      for (const item of (value.items as unknown[]) ?? []) out.push(item as KubeObject)
      continue
    }
    const meta = value.metadata
    if (!isObject(meta) || typeof meta.name !== 'string') throw new ManifestsUnreadable(from, `a ${value.kind} has no metadata.name`)
    out.push(value as unknown as KubeObject)
  }
  return out
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
