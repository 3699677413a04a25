/**
 * Kubernetes objects between their protobuf messages and their JSON form, as the API server's Go
 * types convert them: a decoded message becomes the Go struct (absent non-pointer fields are zero
 * values), which is then written as encoding/json would (json tag names, `omitempty`, nil
 * pointers, maps and slices as `null` when not omitempty, inline embedded structs flattened).
 * The types with a JSON form of their own: Time and MicroTime (RFC 3339 strings, zero is null),
 * Quantity (a string), IntOrString (a number or a string), FieldsV1 and RawExtension (raw JSON),
 * `bytes` (base64).
 */
import protobuf from 'protobufjs'
import { protoSchema } from './protobuf-schema.js'

type Json = unknown
type Obj = Record<string, unknown>

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1'
const TIME = `${META}.Time`
const MICRO_TIME = `${META}.MicroTime`
const FIELDS_V1 = `${META}.FieldsV1`
const QUANTITY = 'k8s.io.apimachinery.pkg.api.resource.Quantity'
const INT_OR_STRING = 'k8s.io.apimachinery.pkg.util.intstr.IntOrString'
const RAW_EXTENSION = 'k8s.io.apimachinery.pkg.runtime.RawExtension'

const nameOf = (t: protobuf.Type) => t.fullName.replace(/^\./, '')
const has = (m: Obj, k: string) => Object.prototype.hasOwnProperty.call(m, k)
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(String(v)))

/** [json name, omitempty, pointer] of a field; fields without a Go tag keep their proto name. */
function goTag(t: protobuf.Type, f: protobuf.Field): [string, boolean, boolean] {
  return protoSchema().jsonFields[nameOf(t)]?.[String(f.id)] ?? [f.name, true, false]
}

function rfc3339(seconds: number, nanos: number, micro: boolean): string {
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19)
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso}Z`
}

function parseTime(s: unknown): { seconds: number; nanos: number } {
  const ms = Date.parse(String(s))
  if (Number.isNaN(ms)) throw new TypeError(`invalid time ${JSON.stringify(s)}`)
  const frac = /\.(\d+)/.exec(String(s))?.[1] ?? ''
  return { seconds: Math.floor(ms / 1000), nanos: Number(frac.padEnd(9, '0').slice(0, 9)) }
}

/** The JSON of a message-typed value that is present (or a non-pointer zero struct). */
function messageToJson(t: protobuf.Type, m: Obj): Json {
  switch (nameOf(t)) {
    case TIME:
    case MICRO_TIME:
      return has(m, 'seconds') || has(m, 'nanos') ? rfc3339(num(m.seconds ?? 0), num(m.nanos ?? 0), nameOf(t) === MICRO_TIME) : null
    case QUANTITY:
      return String(m.string ?? '0')
    case INT_OR_STRING:
      return num(m.type ?? 0) === 1 ? String(m.strVal ?? '') : num(m.intVal ?? 0)
    case FIELDS_V1:
    case RAW_EXTENSION: {
      const raw = (m.Raw ?? m.raw) as Uint8Array | undefined
      return raw && raw.length > 0 ? JSON.parse(Buffer.from(raw).toString('utf8')) : null
    }
    default:
      return toJson(t, m)
  }
}

function scalarToJson(f: protobuf.Field, v: unknown): Json {
  if (f.type === 'bytes') return Buffer.from(v as Uint8Array).toString('base64')
  if (['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64', 'int32', 'uint32', 'sint32', 'double', 'float'].includes(f.type)) return num(v)
  return v
}

const isZero = (v: Json) => v === '' || v === 0 || v === false

/** A decoded message as the JSON the Go type would marshal to. */
export function toJson(t: protobuf.Type, m: Obj): Obj {
  const out: Obj = {}
  for (const f of t.fieldsArray) {
    const [name, omitempty, pointer] = goTag(t, f)
    const sub = f.resolvedType instanceof protobuf.Type ? f.resolvedType : null
    const present = has(m, f.name)
    if (name === '' && sub) {
      Object.assign(out, messageToJson(sub, (present ? m[f.name] : {}) as Obj))
      continue
    }
    let v: Json
    if (f.map) {
      const entries = Object.entries((m[f.name] ?? {}) as Obj)
      v = entries.length === 0 ? null : Object.fromEntries(entries.map(([k, x]) => [k, sub ? messageToJson(sub, x as Obj) : scalarToJson(f, x)]))
    } else if (f.repeated) {
      const items = (m[f.name] ?? []) as unknown[]
      v = items.length === 0 ? null : items.map((x) => (sub ? messageToJson(sub, x as Obj) : scalarToJson(f, x)))
    } else if (sub) v = present ? messageToJson(sub, m[f.name] as Obj) : pointer ? null : messageToJson(sub, {})
    else if (present) v = scalarToJson(f, m[f.name])
    else v = pointer ? null : f.type === 'bytes' ? null : scalarToJson(f, f.typeDefault)
    // omitempty drops nil pointers, empty maps and slices and zero scalars, never a struct value
    const empty = pointer || f.map || f.repeated ? v === null : !sub && (v === null || isZero(v))
    if (omitempty && empty) continue
    out[name] = v
  }
  return out
}

/** A message-typed value from its JSON, as protobufjs encodes it. */
function messageFromJson(t: protobuf.Type, v: Json): Obj {
  switch (nameOf(t)) {
    case TIME:
    case MICRO_TIME:
      return parseTime(v)
    case QUANTITY:
      return { string: String(v) }
    case INT_OR_STRING:
      return typeof v === 'number' ? { type: 0, intVal: v } : { type: 1, strVal: String(v) }
    case FIELDS_V1:
      return { Raw: Buffer.from(JSON.stringify(v)) }
    case RAW_EXTENSION:
      return { raw: Buffer.from(JSON.stringify(v)) }
    default:
      return fromJson(t, v as Obj)
  }
}

function scalarFromJson(f: protobuf.Field, v: Json): unknown {
  if (f.type === 'bytes') return Buffer.from(String(v), 'base64')
  return v
}

/** A JSON object as the message properties of `t` (what the Go type's protobuf marshaller writes). */
export function fromJson(t: protobuf.Type, json: Obj): Obj {
  const out: Obj = {}
  for (const f of t.fieldsArray) {
    const [name] = goTag(t, f)
    const sub = f.resolvedType instanceof protobuf.Type ? f.resolvedType : null
    if (name === '' && sub) {
      out[f.name] = messageFromJson(sub, json)
      continue
    }
    const v = json[name]
    if (v === undefined || v === null) continue
    const one = (x: Json) => (sub ? messageFromJson(sub, x) : scalarFromJson(f, x))
    if (f.map) out[f.name] = Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, one(x)]))
    else if (f.repeated) out[f.name] = (v as unknown[]).map(one)
    else out[f.name] = one(v)
  }
  return out
}
