/** The API function (api/FunctionUrlApi.ts) on the DynamoDB candle store and history. */
import { Effect, Layer } from "effect"
import { respond, type UrlResponse, webHandlerOn } from "../api/FunctionUrlApi.ts"
import { candleStoreLayer, eventHistoryLayer } from "../runtime/AwsLayers.ts"

const answer = respond(webHandlerOn(Layer.mergeAll(candleStoreLayer, eventHistoryLayer)))

export const handler = (event: unknown): Promise<UrlResponse> => Effect.runPromise(answer(event))
