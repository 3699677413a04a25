/**
 * `application/vnd.kubernetes.protobuf` as the API server speaks it: the 4-byte magic `k8s\0`,
 * then a runtime.Unknown envelope (typeMeta, raw = the object's message, contentEncoding,
 * contentType), for built-in kinds only; and the choice between it and JSON by the Accept header
 * (the client's first acceptable media type wins; custom resources fall back to JSON).
 */
import protobuf from 'protobufjs'
import { fromJson, toJson } from './protobuf-json.js'
import { messageTypeOf, protoSchema } from './protobuf-schema.js'
import { badRequest, KubeStatusError } from './status.js'

export const PROTOBUF = 'application/vnd.kubernetes.protobuf'
const MAGIC = Buffer.from('k8s\0', 'latin1')
const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown'

const unknownType = () => protoSchema().root.lookupType(UNKNOWN)

/** A protobuf request body as the JSON object it stands for (apiVersion and kind from its envelope). */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC))
    throw badRequest(`error decoding request body: provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`)
  let envelope: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array; contentEncoding?: string }
  try {
    envelope = unknownType().decode(body.subarray(MAGIC.length)) as typeof envelope
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`)
  }
  const apiVersion = envelope.typeMeta?.apiVersion ?? ''
  const kind = envelope.typeMeta?.kind ?? ''
  if (envelope.contentEncoding) throw badRequest(`error decoding request body: unsupported content encoding "${envelope.contentEncoding}"`)
  const type = messageTypeOf(apiVersion, kind)
  if (!type) throw badRequest(`error decoding request body: no kind "${kind}" is registered for version "${apiVersion}"`)
  let message: protobuf.Message
  try {
    message = type.decode(envelope.raw ?? new Uint8Array())
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`)
  }
  return { kind, apiVersion, ...toJson(type, message as unknown as Record<string, unknown>) }
}

/** The protobuf form of a JSON object of a built-in kind, or null when its kind has no message type. */
export function encodeProtobuf(obj: Record<string, unknown>): Buffer | null {
  const apiVersion = String(obj.apiVersion ?? '')
  const kind = String(obj.kind ?? '')
  const type = messageTypeOf(apiVersion, kind)
  if (!type) return null
  const raw = type.encode(fromJson(type, obj)).finish()
  const envelope = unknownType().encode({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' }).finish()
  return Buffer.concat([MAGIC, envelope])
}

type MediaRange = { type: string; params: Record<string, string>; q: number }

function parseAccept(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((part) => {
      const [type, ...rest] = part.split(';').map((s) => s.trim())
      const params = Object.fromEntries(rest.map((p) => p.split('=').map((s) => s.trim()) as [string, string]))
      const q = params.q === undefined ? 1 : Number(params.q)
      return { type: (type ?? '').toLowerCase(), params, q: Number.isNaN(q) ? 1 : q }
    })
    .filter((r) => r.type !== '' && r.q > 0)
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.q - a.r.q || a.i - b.i)
    .map(({ r }) => r)
}

export type Format = 'json' | 'protobuf'

/**
 * The media type of the answer. Protobuf when the first acceptable range the client names is
 * `application/vnd.kubernetes.protobuf` (plain, not `as=Table`) and the kind is built-in; 406 when
 * protobuf is all the client takes for a custom resource; JSON otherwise (as before: ranges the
 * sandbox does not serve, such as Table, are answered with the plain JSON object).
 */
export function negotiate(accept: string | undefined, builtIn: () => boolean): Format {
  const ranges = parseAccept(accept ?? '')
  const first = ranges.find((r) => r.params.as === undefined && [PROTOBUF, 'application/json', 'application/yaml', 'application/*', '*/*'].includes(r.type))
  if (first?.type !== PROTOBUF) return 'json'
  if (builtIn()) return 'protobuf'
  if (ranges.every((r) => r.type === PROTOBUF))
    throw new KubeStatusError(406, 'NotAcceptable', 'only the following media types are accepted: application/json, application/yaml')
  return 'json'
}
