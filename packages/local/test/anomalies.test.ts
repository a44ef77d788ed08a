/**
 * Anomalies end to end: a copy of the real recording altered so BTCUSDT jumps 20% at 00:00,
 * replayed through the local runtime. The jump is detected on its candle, alerted once (however
 * the bus orders and repeats deliveries), and posted to a webhook on loopback.
 */
import { createServer } from "node:http"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Schedule, Stream } from "effect"
import { expect, it } from "@effect/vitest"
import { runLocalRuntime } from "../src/runtime/LocalRuntime.ts"
import { describeWithSharedData } from "@blockchaincore/testkit/sharedData"
import { alteredRecording, JUMP_AT } from "@blockchaincore/testkit/alteredRecording"
import { portOf } from "@blockchaincore/testkit/awsStandIns"

const runOn = (file: string, webhookUrl: string, shuffleAndRepeat: boolean) =>
  Effect.scoped(
    Effect.gen(function* () {
      const rt = yield* runLocalRuntime({
        symbols: undefined,
        wsUrl: "ws://unused",
        restUrl: "http://unused",
        replay: { file, speed: undefined },
        dataDir: mkdtempSync(join(tmpdir(), "blockchaincore-anomaly-")),
        port: 0,
        webhookUrl,
        bus: { keepHistory: true, shuffleAndRepeat }
      })
      const alertSent = yield* rt.bus.events({ "detail-type": ["AlertSent"] })
      yield* rt.queue.until(() => rt.queue.tradesAccepted >= 34_419 && rt.queue.depth === 0, 60_000)
      // Consumers run on their own fibres: wait for the alert on the bus, then for the history
      // consumer to serve it, each on the event itself and bounded, not for a duration.
      yield* Stream.runHead(alertSent).pipe(Effect.timeout("60 seconds"))
      const get = (path: string) => Effect.promise(() => fetch(`http://127.0.0.1:${rt.port}${path}`).then((r) => r.json() as Promise<unknown>))
      const alerts = yield* get("/api/alerts?symbol=BTCUSDT").pipe(
        Effect.repeat({ until: (a) => Array.isArray(a) && a.length > 0, schedule: Schedule.spaced("10 millis") }),
        Effect.timeout("30 seconds")
      )
      const served = yield* get("/api/anomalies?symbol=BTCUSDT&rule=price_movement")
      const bad = yield* Effect.promise(() => fetch(`http://127.0.0.1:${rt.port}/api/anomalies?severity=extreme`).then((r) => r.status))
      return { events: rt.bus.published, served, alerts, bad }
    })
  )

describeWithSharedData("anomalies and alerts on an altered recording", () => {
  for (const shuffleAndRepeat of [false, true]) {
    it.live(`detects the 20% jump on its candle, alerts once, posts to the webhook${shuffleAndRepeat ? " (bus shuffling and repeating)" : ""}`, () =>
      Effect.gen(function* () {
        const posts: Array<string> = []
        const hook = createServer((req, res) => {
          let body = ""
          req.on("data", (c) => (body += String(c)))
          req.on("end", () => {
            posts.push(body)
            res.end("ok")
          })
        })
        yield* Effect.acquireRelease(
          Effect.promise(() => new Promise<void>((r) => hook.listen(0, "127.0.0.1", r))),
          () => Effect.promise(() => new Promise<void>((r) => hook.close(() => r())))
        )
        const {
          events,
          served,
          alerts: servedAlerts,
          bad
        } = yield* runOn(alteredRecording(), `http://127.0.0.1:${portOf(hook.address())}/hook`, shuffleAndRepeat)
        const jumps = events.filter(
          (e) => e._tag === "AnomalyDetected" && e.rule === "price_movement" && e.candle.symbol === "BTCUSDT" && e.candle.interval === "1m"
        )
        expect(jumps.length).toBeGreaterThanOrEqual(1)
        expect(new Set(jumps.map((e) => e._tag === "AnomalyDetected" && e.candle.openTime))).toEqual(new Set([JUMP_AT]))
        expect(jumps[0]).toMatchObject({ severity: "high" })
        const alerts = events.filter(
          (e) => e._tag === "AlertSent" && e.rule === "price_movement" && e.symbol === "BTCUSDT" && e.interval === "1m" && e.state === "firing"
        )
        expect(alerts).toHaveLength(1)
        expect(posts.some((p) => p.includes("BTCUSDT 1m: price_movement (high)"))).toBe(true)
        expect(Array.isArray(served) && served.length).toBeGreaterThanOrEqual(1)
        expect(JSON.stringify(served)).toContain('"rule":"price_movement"')
        expect(JSON.stringify(servedAlerts)).toContain('"state":"firing"')
        expect(bad).toBe(400)
      })
    )
  }
})
