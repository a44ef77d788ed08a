/**
 * The instruments enrichment needs, from the best source there is: Binance's exchangeInfo when it
 * answers (and the answer is cached in the data directory), else the last cached answer, else the
 * excerpt bundled with the code.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Duration, Effect, Option, Schema } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { statusText } from "@blockchaincore/core/binance/LocationRefused"
import { LIST_SYMBOLS_UP_TO } from "@blockchaincore/core/binance/RestTicker"
import { BUNDLED_EXCHANGE_INFO } from "@blockchaincore/core/binance/bundledExchangeInfo"
import { ExchangeInfo, ExchangeInfoFromJson, type Instrument, instrumentsOf } from "@blockchaincore/core/binance/Instrument"

type InstrumentSource = "binance" | "cache" | "bundled"

export const loadInstruments = (
  restUrl: string,
  symbols: ReadonlyArray<string>,
  dataDir: string
): Effect.Effect<{ readonly instruments: ReadonlyArray<Instrument>; readonly source: InstrumentSource }, never, HttpClient.HttpClient> => {
  const cacheFile = join(dataDir, "exchangeInfo.json")
  const decode = Schema.decodeUnknownOption(ExchangeInfoFromJson)
  // Above LIST_SYMBOLS_UP_TO the symbols are not listed (a URL of 2,000 would pass common 8 KB limits): Binance answers for all.
  const listed = symbols.length > LIST_SYMBOLS_UP_TO ? "" : `?symbols=${encodeURIComponent(JSON.stringify(symbols))}`
  const url = `${restUrl.replace(/\/+$/, "")}/api/v3/exchangeInfo${listed}`
  const fromBinance = HttpClient.HttpClient.pipe(
    Effect.flatMap((client) => client.execute(HttpClientRequest.get(url))),
    Effect.flatMap((res) => Effect.map(res.text, (text) => ({ status: res.status, text }))),
    Effect.mapError((e) => e.message),
    Effect.flatMap(({ status, text }) => (status === 200 ? Effect.succeed(text) : Effect.fail(statusText(status)))),
    Effect.timeoutOrElse({ duration: Duration.seconds(5), orElse: () => Effect.fail("no answer in 5 s") }),
    Effect.flatMap((text) =>
      Option.match(decode(text), { onNone: () => Effect.fail("an exchangeInfo that does not decode"), onSome: (info) => Effect.succeed({ text, info }) })
    ),
    // A cache that cannot be written (a full disk) costs only the cache.
    Effect.tap(({ text }) =>
      Effect.try(() => writeFileSync(cacheFile, text)).pipe(Effect.catch((e) => Effect.logWarning(`exchangeInfo not cached in ${cacheFile}: ${e.message}`)))
    ),
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
