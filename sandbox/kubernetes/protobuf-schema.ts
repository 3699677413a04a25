/**
 * The Kubernetes protobuf schemas (the vendored generated.proto files under proto/) loaded with
 * protobufjs, and the message type of each built-in kind. Loaded once, on first use: a sandbox
 * that never sees a protobuf client never parses them.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import protobuf from 'protobufjs'

/** Per message (full name without the leading dot), per field number: [json name, omitempty, pointer]. */
export type JsonFields = Record<string, Record<string, [string, boolean, boolean]>>

export type ProtoSchema = { root: protobuf.Root; jsonFields: JsonFields }

/** API group version -> proto package of its kinds. */
const packages: Record<string, string> = {
  'v1': 'k8s.io.api.core.v1',
  'apps/v1': 'k8s.io.api.apps.v1',
  'batch/v1': 'k8s.io.api.batch.v1',
  'autoscaling/v1': 'k8s.io.api.autoscaling.v1',
  'coordination.k8s.io/v1': 'k8s.io.api.coordination.v1',
  'discovery.k8s.io/v1': 'k8s.io.api.discovery.v1',
}
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1'
/** Kinds of meta/v1 that every group version serves (Status is served as v1). */
const metaKinds = ['Status', 'DeleteOptions', 'List']

const FILES = Object.values(packages).map((p) => `k8s.io/api/${p.slice('k8s.io.api.'.length).replace(/\./g, '/')}/generated.proto`)

/**
 * The proto folder: beside this file when run from source, and from dist/ the package's own
 * sandbox/kubernetes/proto (shipped through package.json "files").
 */
function protoDir(): string {
  const candidates = [new URL('./proto/', import.meta.url), new URL('../../../sandbox/kubernetes/proto/', import.meta.url)]
  const found = candidates.map((u) => fileURLToPath(u)).find((d) => existsSync(`${d}json-fields.json`))
  if (!found) throw new Error(`Kubernetes protobuf schemas not found (looked in ${candidates.map((u) => fileURLToPath(u)).join(', ')}); reinstall the package`)
  return found
}

let loaded: ProtoSchema | undefined

export function protoSchema(): ProtoSchema {
  if (loaded) return loaded
  const dir = protoDir()
  const root = new protobuf.Root()
  // imports name files by Go import path (k8s.io/apimachinery/...), all of them under dir
  root.resolvePath = (_origin, target) => (target.startsWith(dir) ? target : `${dir}${target}`)
  root.loadSync(FILES, { keepCase: true })
  root.resolveAll()
  loaded = { root, jsonFields: JSON.parse(readFileSync(`${dir}json-fields.json`, 'utf8')) as JsonFields }
  return loaded
}

/** The message type of `kind` in `apiVersion`, or null when it is not a built-in kind (a CRD). */
export function messageTypeOf(apiVersion: string, kind: string): protobuf.Type | null {
  const pkg = metaKinds.includes(kind) ? META : packages[apiVersion]
  if (!pkg || (kind === 'Status' && apiVersion !== 'v1')) return null
  const found = protoSchema().root.lookup(`${pkg}.${kind}`)
  return found instanceof protobuf.Type ? found : null
}

/** True when the sandbox speaks protobuf for this group version and kind. */
export const isBuiltIn = (apiVersion: string, kind: string) => packages[apiVersion] !== undefined && messageTypeOf(apiVersion, kind) !== null
