/**
 * A loopback OTLP/HTTP traces receiver, as a collector would be: it takes `POST /v1/traces` in
 * either encoding (protobuf, the default, or JSON), decodes every span (ids, parent, name, times,
 * attributes) and answers 200. Protobuf is read with a small wire-format reader of the fields a
 * span has, so what is checked is what the exporter put on the wire.
 */
import { createServer } from "node:http"
import { Schema } from "effect"
import { portOf } from "./awsStandIns.ts"

export interface ReceivedSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string | undefined
  readonly name: string
  readonly startNanos: bigint
  readonly endNanos: bigint
  readonly attributes: Readonly<Record<string, string | number | boolean>>
  readonly service: string | undefined
}

const AnyValue = Schema.Struct({
  stringValue: Schema.optional(Schema.String),
  boolValue: Schema.optional(Schema.Boolean),
  intValue: Schema.optional(Schema.Union([Schema.String, Schema.Number])),
  doubleValue: Schema.optional(Schema.Number)
})
const KeyValues = Schema.Array(Schema.Struct({ key: Schema.String, value: AnyValue }))
const TracesJson = Schema.fromJsonString(
  Schema.Struct({
    resourceSpans: Schema.Array(
      Schema.Struct({
        resource: Schema.optional(Schema.Struct({ attributes: Schema.optional(KeyValues) })),
        scopeSpans: Schema.Array(
          Schema.Struct({
            spans: Schema.Array(
              Schema.Struct({
                traceId: Schema.String,
                spanId: Schema.String,
                parentSpanId: Schema.optional(Schema.String),
                name: Schema.String,
                startTimeUnixNano: Schema.String,
                endTimeUnixNano: Schema.String,
                attributes: Schema.optional(KeyValues)
              })
            )
          })
        )
      })
    )
  })
)

const valueOf = (v: typeof AnyValue.Type): string | number | boolean =>
  v.stringValue ?? v.boolValue ?? (v.intValue === undefined ? undefined : Number(v.intValue)) ?? v.doubleValue ?? ""

const attributesOf = (kvs: typeof KeyValues.Type | undefined) => Object.fromEntries((kvs ?? []).map((kv) => [kv.key, valueOf(kv.value)]))

const fromJson = (body: Buffer): Array<ReceivedSpan> =>
  Schema.decodeUnknownSync(TracesJson)(body.toString("utf8")).resourceSpans.flatMap((rs) => {
    const service = attributesOf(rs.resource?.attributes)["service.name"]
    return rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId === undefined || s.parentSpanId === "" ? undefined : s.parentSpanId,
        name: s.name,
        startNanos: BigInt(s.startTimeUnixNano),
        endNanos: BigInt(s.endTimeUnixNano),
        attributes: attributesOf(s.attributes),
        service: typeof service === "string" ? service : undefined
      }))
    )
  })

/** Protobuf's wire format: each field as its number and its varint, fixed or length-delimited value. */
type Field = { readonly field: number; readonly varint?: bigint; readonly bytes?: Buffer }

const fieldsOf = (buf: Buffer): Array<Field> => {
  const out: Array<Field> = []
  let at = 0
  const varint = (): bigint => {
    let value = 0n
    for (let shift = 0n; ; shift += 7n) {
      const byte = buf[at++]
      if (byte === undefined) throw new Error("protobuf: a varint runs past the end")
      value |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return value
    }
  }
  while (at < buf.length) {
    const key = Number(varint())
    const field = key >>> 3
    const wire = key & 7
    if (wire === 0) out.push({ field, varint: varint() })
    else if (wire === 1) {
      out.push({ field, varint: buf.readBigUInt64LE(at) })
      at += 8
    } else if (wire === 2) {
      const length = Number(varint())
      out.push({ field, bytes: buf.subarray(at, at + length) })
      at += length
    } else if (wire === 5) at += 4
    else throw new Error(`protobuf: wire type ${wire} at byte ${at}`)
  }
  return out
}

const messages = (fields: Array<Field>, n: number) => fields.filter((f) => f.field === n && f.bytes !== undefined).map((f) => fieldsOf(f.bytes!))
const bytesOf = (fields: Array<Field>, n: number) => fields.find((f) => f.field === n)?.bytes
const anyValueOf = (fields: Array<Field>): string | number | boolean => {
  const f = fields[0]
  if (f === undefined) return ""
  if (f.field === 1) return f.bytes?.toString("utf8") ?? ""
  if (f.field === 2) return f.varint === 1n
  if (f.field === 3) return Number(BigInt.asIntN(64, f.varint ?? 0n))
  if (f.field === 4) return Buffer.from(new BigUint64Array([f.varint ?? 0n]).buffer).readDoubleLE(0)
  return ""
}
const kvsOf = (fields: Array<Field>, n: number) =>
  Object.fromEntries(messages(fields, n).map((kv) => [bytesOf(kv, 1)?.toString("utf8") ?? "", anyValueOf(fieldsOf(bytesOf(kv, 2) ?? Buffer.alloc(0)))]))

const fromProtobuf = (body: Buffer): Array<ReceivedSpan> =>
  messages(fieldsOf(body), 1).flatMap((rs) => {
    const service = kvsOf(messages(rs, 1)[0] ?? [], 1)["service.name"]
    return messages(rs, 2).flatMap((ss) =>
      messages(ss, 2).map((s) => {
        const parent = bytesOf(s, 4)
        return {
          traceId: bytesOf(s, 1)?.toString("hex") ?? "",
          spanId: bytesOf(s, 2)?.toString("hex") ?? "",
          parentSpanId: parent === undefined || parent.length === 0 ? undefined : parent.toString("hex"),
          name: bytesOf(s, 5)?.toString("utf8") ?? "",
          startNanos: s.find((f) => f.field === 7)?.varint ?? 0n,
          endNanos: s.find((f) => f.field === 8)?.varint ?? 0n,
          attributes: kvsOf(s, 9),
          service: typeof service === "string" ? service : undefined
        }
      })
    )
  })

export const startOtlpReceiver = async () => {
  const spans: Array<ReceivedSpan> = []
  const requests: Array<{ readonly path: string; readonly contentType: string }> = []
  const server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const contentType = req.headers["content-type"] ?? ""
      requests.push({ path: req.url ?? "", contentType })
      const body = Buffer.concat(chunks)
      try {
        spans.push(...(contentType.includes("json") ? fromJson(body) : fromProtobuf(body)))
        res.writeHead(200, { "content-type": "application/json" }).end("{}")
      } catch (e) {
        res.writeHead(400).end(String(e))
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${portOf(server.address())}`,
    spans,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
