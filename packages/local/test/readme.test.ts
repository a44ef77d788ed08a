/**
 * The README is a contract. Its consumer example, pasted as it stands, runs in the local runtime
 * (here) and gets its rule, function and failure destination in the synthesized AWS program
 * (stacks/test/infrastructure.test.ts, "registry: adding the README's example ...").
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Logger, Schedule } from "effect"
import { expect, it } from "@effect/vitest"
import { decimal } from "@blockchaincore/core/decimal/DecimalText"
import type { Consumer } from "@blockchaincore/services/consumers/ConsumerDeclaration"
import { REGISTRY } from "@blockchaincore/services/consumers/ConsumerRegistry"
import { loadRecording } from "@blockchaincore/replay/Recording"
import { runLocalRuntime } from "../src/runtime/LocalRuntime.ts"
import { describeWithSharedData, RECORDING, sharedFile } from "@blockchaincore/testkit/sharedData"
import { writeReadmeConsumer } from "@blockchaincore/testkit/readme"

const HOUR_END = Date.UTC(2024, 7, 9, 0, 0)

describeWithSharedData("the README's consumer example", () => {
  it.live("runs locally as written: each symbol's 23:00 hour logged with its close as a decimal", () =>
    Effect.gen(function* () {
      const module: Record<string, unknown> = yield* Effect.promise(() => import(writeReadmeConsumer()))
      const hourlyCloses = module["hourlyCloses"] as Consumer
      expect(hourlyCloses.name).toBe("hourlyCloses")
      const lines: Array<string> = []
      const capture = Logger.layer([Logger.make(({ message }) => void lines.push((Array.isArray(message) ? message : [message]).map(String).join(" ")))])
      yield* Effect.scoped(
        Effect.gen(function* () {
          const rt = yield* runLocalRuntime({
            symbols: undefined,
            wsUrl: "ws://unused",
            restUrl: "http://unused",
            replay: { file: sharedFile(RECORDING), speed: undefined },
            dataDir: mkdtempSync(join(tmpdir(), "blockchaincore-readme-consumer-")),
            port: 0,
            consumers: [...REGISTRY, hourlyCloses]
          })
          yield* rt.queue.until(() => rt.queue.tradesAccepted >= 34_419 && rt.queue.depth === 0, 60_000)
          // The consumer runs in its own fiber: bounded, until both symbols' lines are there.
          yield* Effect.sync(() => lines.filter((l) => l.includes("closed the hour at")).length).pipe(
            Effect.repeat({ until: (n) => n >= 2, schedule: Schedule.spaced("20 millis") }),
            Effect.timeout("30 seconds")
          )
        })
      ).pipe(Effect.provide(capture))
      const last = (symbol: string) =>
        loadRecording(sharedFile(RECORDING))
          .filter((f) => f.trade.symbol === symbol && f.trade.time < HOUR_END)
          .at(-1)!.trade.price
      expect(lines.filter((l) => l.includes("closed the hour at")).sort()).toEqual([
        `BTCUSDT closed the hour at ${decimal(last("BTCUSDT"))}`,
        `ETHUSDT closed the hour at ${decimal(last("ETHUSDT"))}`
      ])
      expect(decimal(last("BTCUSDT"))).toMatch(/^\d+\.\d{2,8}$/)
    })
  )
})
