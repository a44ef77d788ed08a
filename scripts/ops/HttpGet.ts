/**
 * A GET of JSON for the operator scripts, through the project's one outbound client (undici, not
 * Node's bundled `fetch`), its answer decoded with `schema`. A failure is an Error naming the URL.
 */
import { Effect, Schema } from "effect"
import { HttpClient } from "effect/http"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"

export const getJson = <A>(url: URL, schema: Schema.Codec<A, unknown>): Promise<A> =>
  Effect.runPromise(
    HttpClient.get(url).pipe(
      Effect.flatMap((response) => (response.status === 200 ? response.json : Effect.fail(new Error(`HTTP ${response.status}`)))),
      Effect.flatMap(Schema.decodeUnknownEffect(schema)),
      Effect.mapError((e) => new Error(`${url.href}: ${e.message}`)),
      Effect.provide(OutboundHttp)
    )
  )
