/**
 * Spans to CloudWatch's OTLP endpoint are signed as AWS checks them: SigV4 for `xray` in the
 * endpoint's region, over the exact bytes sent, with the session token of a role's credentials.
 * Checked by signing the same request again with the SDK's own signer at the same instant; a
 * request to any other endpoint is sent untouched.
 */
import { SignatureV4 } from "@smithy/signature-v4"
import type { SourceData } from "@smithy/types"
import { createHash, createHmac } from "node:crypto"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { HttpBody, HttpClient, HttpClientRequest, HttpClientResponse } from "effect/http"
import { signingForXRay, xrayRegionOf } from "../src/runtime/XRayOtlp.ts"

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "a-session-token" }

/** A client that sends nothing: it keeps each request as it would have gone out. */
const capturing = () => {
  const sent: Array<HttpClientRequest.HttpClientRequest> = []
  const client = HttpClient.make((request) =>
    Effect.sync(() => {
      sent.push(request)
      return HttpClientResponse.fromWeb(request, new Response("{}", { status: 200 }))
    })
  )
  return { sent, client: signingForXRay(() => Promise.resolve(credentials))(client) }
}

class NodeSha256 {
  private readonly hash
  constructor(secret?: SourceData) {
    this.hash =
      secret === undefined
        ? createHash("sha256")
        : createHmac(
            "sha256",
            typeof secret === "string"
              ? secret
              : ArrayBuffer.isView(secret)
                ? new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength)
                : new Uint8Array(secret)
          )
  }
  update(data: Uint8Array) {
    this.hash.update(data)
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.hash.digest()))
  }
  reset() {}
}

it.effect("signs a request to xray.{region}.amazonaws.com for xray in that region, over its body, with the session token", () =>
  Effect.gen(function* () {
    const { sent, client } = capturing()
    const spans = new Uint8Array([10, 3, 1, 2, 3, 18, 0])
    yield* client.execute(
      HttpClientRequest.post("https://xray.ap-northeast-1.amazonaws.com/v1/traces").pipe(
        HttpClientRequest.setBody(HttpBody.uint8Array(spans, "application/x-protobuf"))
      )
    )
    const request = sent[0]!
    const authorization = request.headers["authorization"] ?? ""
    const date = request.headers["x-amz-date"] ?? ""
    expect(authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${date.slice(0, 8)}/ap-northeast-1/xray/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$`
      )
    )
    expect(request.headers["x-amz-security-token"]).toBe("a-session-token")
    const signedHeaders = /SignedHeaders=([^,]*)/.exec(authorization)?.[1]?.split(";") ?? []
    expect(signedHeaders).toEqual(
      expect.arrayContaining(["content-length", "content-type", "host", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token"])
    )
    // The SDK's signer, given the same request at the same instant, signs it the same.
    const again = yield* Effect.promise(() =>
      new SignatureV4({ service: "xray", region: "ap-northeast-1", credentials, sha256: NodeSha256 }).sign(
        {
          method: "POST",
          protocol: "https:",
          hostname: "xray.ap-northeast-1.amazonaws.com",
          path: "/v1/traces",
          query: {},
          // The headers signed, with the values sent, but for those the signing adds itself.
          headers: {
            ...Object.fromEntries(Object.entries(request.headers).filter(([name]) => signedHeaders.includes(name) && !name.startsWith("x-amz-"))),
            host: "xray.ap-northeast-1.amazonaws.com"
          },
          body: spans
        },
        {
          signingDate: new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`)
        }
      )
    )
    expect(authorization).toBe(again.headers["authorization"])
    expect(request.headers["content-type"]).toBe("application/x-protobuf")
  })
)

it.effect("sends a request to any other endpoint as it was", () =>
  Effect.gen(function* () {
    const { sent, client } = capturing()
    yield* client.execute(HttpClientRequest.post("https://collector.example.com:4318/v1/traces"))
    expect(sent[0]!.headers["authorization"]).toBeUndefined()
    expect(xrayRegionOf(new URL("https://xray.eu-west-1.amazonaws.com/v1/traces"))).toBe("eu-west-1")
    expect(xrayRegionOf(new URL("https://xray.eu-west-1.amazonaws.com.evil.example/v1/traces"))).toBeUndefined()
  })
)
