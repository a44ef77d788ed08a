/**
 * The instruments enrichment needs, from the best source there is: Binance's exchangeInfo when it
 * answers (and the answer is cached in the data directory), else the last cached answer, else the
 * excerpt bundled with the code.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Effect, Option, Schema } from "effect"
import { BUNDLED_EXCHANGE_INFO } from "@blockchaincore/core/binance/bundledExchangeInfo"
import { ExchangeInfo, ExchangeInfoFromJson, type Instrument, instrumentsOf } from "@blockchaincore/core/binance/Instrument"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

export type InstrumentSource = "binance" | "cache" | "bundled"

export const loadInstruments = (restUrl: string, symbols: ReadonlyArray<string>, dataDir: string): Effect.Effect<{ readonly instruments: ReadonlyArray<Instrument>; readonly source: InstrumentSource }> => {
  const cacheFile = join(dataDir, "exchangeInfo.json")
  const decode = Schema.decodeUnknownOption(ExchangeInfoFromJson)
  const fromBinance = Effect.tryPromise({
    try: async (signal) => {
      const url = `${restUrl.replace(/\/+$/, "")}/api/v3/exchangeInfo?symbols=${encodeURIComponent(JSON.stringify(symbols))}`
      const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(5_000)]) })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      return res.text()
    },
    catch: (e) => errorMessage(e)
  }).pipe(
    Effect.flatMap((text) => Option.match(decode(text), { onNone: () => Effect.fail("an exchangeInfo that does not decode"), onSome: (info) => Effect.succeed({ text, info }) })),
    Effect.tap(({ text }) => Effect.sync(() => writeFileSync(cacheFile, text))),
    Effect.map(({ info }) => ({ instruments: instrumentsOf(info), source: "binance" as const }))
  )
  const fromCache = Effect.try({ try: () => readFileSync(cacheFile, "utf8"), catch: () => "no cached exchangeInfo" }).pipe(
    Effect.flatMap((text) => Option.match(decode(text), { onNone: () => Effect.fail("a cached exchangeInfo that does not decode"), onSome: Effect.succeed })),
    Effect.map((info) => ({ instruments: instrumentsOf(info), source: "cache" as const }))
  )
  const bundled = Effect.sync(() => ({ instruments: instrumentsOf(Schema.decodeUnknownSync(ExchangeInfo)(BUNDLED_EXCHANGE_INFO)), source: "bundled" as const }))
  return fromBinance.pipe(
    Effect.tapError((why) => Effect.logInfo(`exchangeInfo from ${restUrl} unavailable (${why}); using the cached or bundled one`)),
    Effect.catch(() => fromCache),
    Effect.catch(() => bundled)
  )
}
