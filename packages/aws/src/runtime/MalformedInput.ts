/**
 * Input a handler could not decode: logged with what was wrong and where, and counted as the
 * CloudWatch metric `BlockchainCore/MalformedInput` (per function, and in all), which an alarm
 * watches (stacks/alerts.ts).
 */
import { Effect } from "effect"
import { countOne } from "./EmbeddedMetrics.ts"

export const reportMalformed = Effect.fn("reportMalformed")(function* (where: string, reason: string) {
  yield* countOne("MalformedInput", { name: "Function" }, { level: "error", where, reason })
})
