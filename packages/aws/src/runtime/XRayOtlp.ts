/**
 * CloudWatch's OTLP traces endpoint, `https://xray.{region}.amazonaws.com/v1/traces`, takes spans
 * without a collector when each request is signed (SigV4, service `xray`) with the function's or
 * task's role (`xray:PutSpans`, and `xray:PutSpansForIndexing` for the share Transaction Search
 * indexes; the account must have Transaction Search on). The tracer's client signs every request
 * to such a host here; a request to any other endpoint goes as it was.
 */
import { createHash, createHmac } from "node:crypto"
import { defaultProvider } from "@aws-sdk/credential-provider-node"
import { SignatureV4 } from "@smithy/signature-v4"
import type { AwsCredentialIdentityProvider, Checksum, SourceData } from "@smithy/types"
import { Effect, Layer } from "effect"
import { HttpClient, HttpClientError, HttpClientRequest } from "effect/http"

/** The region of a CloudWatch OTLP endpoint's host; undefined for any other host. */
export const xrayRegionOf = (url: URL): string | undefined => /^xray\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1]

/** SHA-256 (or its HMAC, given a secret) on node:crypto, in the shape SigV4 asks for. */
class Sha256 implements Checksum {
  private readonly hash
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytesOf(secret))
  }
  update(data: Uint8Array): void {
    this.hash.update(data)
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()))
  }
  reset(): void {}
}

const bytesOf = (data: SourceData): Uint8Array =>
  typeof data === "string"
    ? Buffer.from(data, "utf8")
    : data instanceof Uint8Array
      ? data
      : ArrayBuffer.isView(data)
        ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : new Uint8Array(data)

const signedRequest = (request: HttpClientRequest.HttpClientRequest, url: URL, region: string, credentials: AwsCredentialIdentityProvider) =>
  Effect.tryPromise({
    try: async () => {
      const body = request.body._tag === "Uint8Array" ? request.body.body : new Uint8Array()
      const signer = new SignatureV4({ service: "xray", region, credentials, sha256: Sha256 })
      const signed = await signer.sign({
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        path: url.pathname,
        query: {},
        headers: { ...request.headers, host: url.host, ...(request.body._tag === "Uint8Array" ? { "content-type": request.body.contentType } : {}) },
        body
      })
      return HttpClientRequest.setHeaders(request, signed.headers)
    },
    catch: (cause) =>
      new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause, description: `signing the spans for ${url.host}` }) })
  })

/** Signs every request to a CloudWatch OTLP endpoint with `credentials`. */
export const signingForXRay =
  (credentials: AwsCredentialIdentityProvider) =>
  (client: HttpClient.HttpClient): HttpClient.HttpClient =>
    HttpClient.mapRequestEffect(client, (request) => {
      const url = new URL(request.url)
      const region = xrayRegionOf(url)
      return region === undefined ? Effect.succeed(request) : signedRequest(request, url, region, credentials)
    })

/** The outbound client, signing for CloudWatch's OTLP endpoint with the role's credentials (the SDK's chain). */
export const xraySigning = <E, R>(outbound: Layer.Layer<HttpClient.HttpClient, E, R>): Layer.Layer<HttpClient.HttpClient, E, R> =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.gen(function* () {
      return signingForXRay(defaultProvider())(yield* HttpClient.HttpClient)
    })
  ).pipe(Layer.provide(outbound))
