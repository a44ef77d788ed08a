/**
 * The instruments enrichment adds, from the best source there is, on either runtime: Binance's
 * exchangeInfo through the process's one REST client when its one attempt answers within 5 s (the answer is
 * kept in `cacheFile`, where the runtime has one), else the last kept answer, else the excerpt
 * bundled with the code (Binance refuses requests from some places, AWS regions among them).
 * Without symbols named there is nothing to ask: the bundled excerpt.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { Duration, Effect, Option, Schema } from "effect"
import { ExchangeRest } from "../rest/BinanceRest.ts"
import { BUNDLED_EXCHANGE_INFO } from "./bundledExchangeInfo.ts"
import { ExchangeInfo, ExchangeInfoFromJson, instrumentsOf } from "./ExchangeInfo.ts"
import type { Instrument } from "@blockchaincore/core/trade/Instrument"

export type InstrumentSource = "binance" | "cache" | "bundled"

export interface LoadedInstruments {
  readonly instruments: ReadonlyArray<Instrument>
  readonly source: InstrumentSource
}

const ASK_FOR = Duration.seconds(5)

export const loadInstruments = (
  symbols: ReadonlyArray<string> | "all",
  cacheFile: string | undefined
): Effect.Effect<LoadedInstruments, never, ExchangeRest> => {
  // One attempt: with the kept answer and the excerpt behind it, a start does not wait out retries.
  const fromBinance = ExchangeRest.pipe(
    Effect.flatMap((rest) => rest.exchangeInfo(symbols, 1)),
    Effect.mapError((e) => e.message),
    Effect.timeoutOrElse({ duration: ASK_FOR, orElse: () => Effect.fail(`no answer in ${Duration.format(ASK_FOR)}`) }),
    Effect.tap((info) => (cacheFile === undefined ? Effect.void : keep(cacheFile, info))),
    Effect.map((info): LoadedInstruments => ({ instruments: instrumentsOf(info), source: "binance" }))
  )
  const fromCache = Effect.try({ try: () => readFileSync(cacheFile ?? "", "utf8"), catch: () => "no kept exchangeInfo" }).pipe(
    Effect.flatMap((text) =>
      Option.match(Schema.decodeUnknownOption(ExchangeInfoFromJson)(text), {
        onNone: () => Effect.fail("a kept exchangeInfo that does not decode"),
        onSome: Effect.succeed
      })
    ),
    Effect.map((info): LoadedInstruments => ({ instruments: instrumentsOf(info), source: "cache" }))
  )
  const bundled = Effect.sync(
    (): LoadedInstruments => ({ instruments: instrumentsOf(Schema.decodeUnknownSync(ExchangeInfo)(BUNDLED_EXCHANGE_INFO)), source: "bundled" })
  )
  if (symbols !== "all" && symbols.length === 0) return bundled
  return fromBinance.pipe(
    Effect.tapError((why) => Effect.logInfo(`exchangeInfo from Binance unavailable (${why}); using the kept or bundled one`)),
    Effect.catch(() => (cacheFile === undefined ? bundled : fromCache)),
    Effect.catch(() => bundled)
  )
}

/** A cache that cannot be written (a full disk) costs only the cache. */
const keep = (file: string, info: ExchangeInfo) =>
  Effect.try(() => writeFileSync(file, Schema.encodeSync(ExchangeInfoFromJson)(info))).pipe(
    Effect.catch((e) => Effect.logWarning(`exchangeInfo not kept in ${file}: ${e.message}`))
  )
