/** The producer task's settings, read from its environment through Effect's Config with one schema: a wrong one named. */
import { ConfigProvider, Effect } from "effect"
import { expect, it } from "@effect/vitest"
import { settingsFromEnvironment } from "../src/producer/ProducerTask.ts"

const ENV = {
  QUEUE_URL: "https://sqs.ap-northeast-1.amazonaws.com/123456789012/trades.fifo",
  STATE_TABLE: "state",
  BUS_NAME: "market",
  SYMBOLS: "btcusdt,ETH/USDT"
}

it.effect("reads the task's settings, with Binance's endpoints and the container's paths by default", () =>
  Effect.gen(function* () {
    const settings = yield* settingsFromEnvironment(ConfigProvider.fromEnv({ env: ENV }))
    expect(settings).toMatchObject({
      queueUrl: ENV.QUEUE_URL,
      symbols: ["BTCUSDT", "ETHUSDT"],
      wsUrl: "wss://stream.binance.com:9443",
      restUrl: "https://api.binance.com",
      journalDir: "/tmp/journal",
      candlesTable: undefined
    })
  })
)

it.effect("names the setting that is wrong, and what it should be", () =>
  Effect.gen(function* () {
    const failure = yield* Effect.flip(settingsFromEnvironment(ConfigProvider.fromEnv({ env: { ...ENV, QUEUE_URL: "https://sqs/trades" } })))
    expect(failure._tag).toBe("ProducerConfigError")
    expect(failure.message).toMatch(/^the producer's environment: .*Expected an SQS FIFO queue URL \(ending in \.fifo\).*QUEUE_URL/)
    const missing = yield* Effect.flip(settingsFromEnvironment(ConfigProvider.fromEnv({ env: { QUEUE_URL: ENV.QUEUE_URL } })))
    expect(missing.message).toMatch(/STATE_TABLE/)
  })
)
