/**
 * The connection supervisor on the TestClock: connect timeout, backoff, the attempt limit, the
 * idle timeout and the 23-hour rotation, without real sleeps. The servers are real sockets on
 * loopback (support/rawWebSocketServer.ts); only time is virtual.
 */
import { it } from "@effect/vitest"
import { Effect, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect } from "vitest"
import { AttemptLimiter } from "../src/stream/AttemptLimiter.ts"
import { type ClientEvent, superviseConnections, type SupervisorOptions } from "../src/stream/ConnectionSupervisor.ts"
import { handshakeAnswer, type RawConnection, startRawServer, textFrame } from "@blockchaincore/testkit/rawWebSocketServer"

const OPTIONS: SupervisorOptions = {
  connectTimeoutMillis: 10_000,
  idleTimeoutMillis: 60_000,
  controlSpacingMillis: 300,
  backoff: { baseMillis: 1_000, capMillis: 8_000 },
  maxConnectionAgeMillis: 23 * 60 * 60_000
}
const plan = (url: string) => [{ index: 0, symbols: ["BTCUSDT"], url: `${url}/stream?streams=btcusdt@trade`, subscribes: [] }]

/** Lets real I/O (loopback sockets) happen between virtual-time steps. */
const io = (rounds = 20) => Effect.forEach(Array.from({ length: rounds }), () => Effect.promise(() => new Promise((r) => setImmediate(r))), { discard: true })
const until = (condition: () => boolean, rounds = 2_000) =>
  Effect.gen(function* () {
    for (let i = 0; i < rounds && !condition(); i++) yield* io(1)
    expect(condition()).toBe(true)
  })

const withServer = <A, E>(onHandshake: (c: RawConnection) => void, use: (url: string) => Effect.Effect<A, E>) =>
  Effect.acquireUseRelease(
    Effect.promise(() => startRawServer(onHandshake)),
    (server) => use(server.url),
    (server) => Effect.promise(() => server.close())
  )

const supervise = (url: string, options: SupervisorOptions, limiter?: AttemptLimiter) =>
  Effect.gen(function* () {
    const events: Array<ClientEvent> = []
    const frames: Array<string> = []
    const fiber = yield* superviseConnections(plan(url), options, (e) => Effect.sync(() => void events.push(e)), limiter).pipe(
      Stream.runForEach((f) => Effect.sync(() => void frames.push(f))),
      Effect.forkChild
    )
    return { events, frames, fiber }
  })

/** A server that answers each connection with the handshake and "hello N" in one write, and keeps its sockets. */
const greeting = (sockets: Array<RawConnection>) => (c: RawConnection) => {
  sockets.push(c)
  c.socket.write(Buffer.concat([handshakeAnswer(c.request), textFrame(`hello ${sockets.length}`)]))
}

const tags = (events: ReadonlyArray<ClientEvent>, tag: ClientEvent["_tag"]) => events.filter((e) => e._tag === tag)

describe("the connection supervisor, on the TestClock", () => {
  it.effect("retries a server that never answers at the connect timeout, then after a jittered, doubling, capped backoff", () =>
    withServer(
      () => {},
      (url) =>
        Effect.gen(function* () {
          const run = yield* supervise(url, OPTIONS)
          yield* io()
          yield* TestClock.adjust(OPTIONS.connectTimeoutMillis)
          yield* until(() => tags(run.events, "ConnectFailed").length === 1)
          const first = tags(run.events, "ConnectFailed")[0]
          expect(first?._tag === "ConnectFailed" && first.message).toMatch(/no answer within 10000 ms/)
          const delays: Array<number> = []
          for (let attempt = 1; attempt <= 5; attempt++) {
            const failed = tags(run.events, "ConnectFailed").at(-1)
            const delay = failed?._tag === "ConnectFailed" ? failed.retryInMillis : 0
            delays.push(delay)
            // Not one attempt before its delay has passed.
            yield* TestClock.adjust(delay - 1)
            yield* io()
            expect(tags(run.events, "Connecting").length + tags(run.events, "ConnectFailed").length).toBe(1 + attempt)
            yield* TestClock.adjust(1 + OPTIONS.connectTimeoutMillis)
            yield* until(() => tags(run.events, "ConnectFailed").length === attempt + 1)
          }
          expect(delays[0]).toBeGreaterThanOrEqual(800)
          expect(delays[0]).toBeLessThanOrEqual(1_200)
          expect(delays[1]).toBeGreaterThanOrEqual(1_600)
          expect(delays[3]).toBeLessThanOrEqual(8_000)
          expect(delays[4]).toBeLessThanOrEqual(8_000)
          expect(tags(run.events, "Connected")).toEqual([])
          yield* Fiber.interrupt(run.fiber)
        })
    )
  )

  it.effect("keeps its attempts within the limit per window, whatever the backoff says", () =>
    withServer(
      (c) => c.socket.destroy(),
      (url) =>
        Effect.gen(function* () {
          const limiter = new AttemptLimiter(3, 60_000)
          const run = yield* supervise(url, { ...OPTIONS, backoff: { baseMillis: 10, capMillis: 10 } }, limiter)
          const attempts = () => tags(run.events, "ConnectFailed").length
          for (let i = 0; i < 20; i++) {
            yield* io()
            yield* TestClock.adjust(20)
          }
          yield* until(() => attempts() === 3)
          yield* TestClock.adjust(1_000)
          yield* io(50)
          expect(attempts()).toBe(3)
          // A minute after the first attempt, the window lets the next one through.
          yield* TestClock.adjust(60_000)
          yield* until(() => attempts() >= 4)
          yield* Fiber.interrupt(run.fiber)
        })
    )
  )

  it.effect("replaces a connection that goes silent, at the idle timeout", () => {
    let connections = 0
    return withServer(
      (c) => {
        connections++
        c.socket.write(Buffer.concat([handshakeAnswer(c.request), textFrame(`hello ${connections}`)]))
      },
      (url) =>
        Effect.gen(function* () {
          const run = yield* supervise(url, OPTIONS)
          yield* until(() => run.frames.length === 1)
          yield* TestClock.adjust(OPTIONS.idleTimeoutMillis)
          yield* until(() => run.frames.length === 2)
          expect(run.frames).toEqual(["hello 1", "hello 2"])
          const lost = tags(run.events, "Disconnected")[0]
          expect(lost?._tag === "Disconnected" && lost.reason).toBe("idle")
          yield* Fiber.interrupt(run.fiber)
        })
    )
  })

  it.effect("rotates before 23 hours: the replacement opens beside the old one, which is closed a second after the new one delivers", () => {
    const sockets: Array<RawConnection> = []
    return withServer(greeting(sockets), (url) =>
      Effect.gen(function* () {
        const run = yield* supervise(url, { ...OPTIONS, idleTimeoutMillis: 24 * 60 * 60_000 })
        yield* until(() => run.frames.length === 1)
        yield* TestClock.adjust(OPTIONS.maxConnectionAgeMillis - 1)
        yield* io()
        expect(sockets.length).toBe(1)
        yield* TestClock.adjust(1)
        yield* until(() => run.frames.length === 2)
        // Both deliver for the overlap, so that the old one's frames on their way are not lost.
        yield* io()
        expect(sockets[0]?.socket.destroyed).toBe(false)
        yield* TestClock.adjust(1_000)
        yield* until(() => sockets[0]?.socket.destroyed === true)
        expect(tags(run.events, "Rotated").map((e) => e._tag === "Rotated" && e.why)).toEqual(["age"])
        expect(sockets[1]?.socket.destroyed).toBe(false)
        yield* Fiber.interrupt(run.fiber)
      })
    )
  })

  it.effect("closes every connection, replacements included, when the stream ends", () => {
    const sockets: Array<RawConnection> = []
    return withServer(greeting(sockets), (url) =>
      Effect.gen(function* () {
        const run = yield* supervise(url, { ...OPTIONS, idleTimeoutMillis: 24 * 60 * 60_000 })
        yield* until(() => run.frames.length === 1)
        yield* TestClock.adjust(OPTIONS.maxConnectionAgeMillis)
        yield* until(() => run.frames.length === 2)
        yield* Fiber.interrupt(run.fiber)
        yield* until(() => sockets.length === 2 && sockets.every((s) => s.socket.destroyed))
      })
    )
  })

  it.effect("rotates at once on serverShutdown", () => {
    const sockets: Array<RawConnection> = []
    return withServer(
      (c) => {
        sockets.push(c)
        const shutdown = sockets.length === 1 ? [textFrame('{"e":"serverShutdown","E":1700000000000}')] : []
        c.socket.write(Buffer.concat([handshakeAnswer(c.request), textFrame(`hello ${sockets.length}`), ...shutdown]))
      },
      (url) =>
        Effect.gen(function* () {
          const run = yield* supervise(url, OPTIONS)
          yield* until(() => run.frames.length === 2)
          yield* io()
          yield* TestClock.adjust(1_000)
          yield* until(() => sockets[0]?.socket.destroyed === true)
          expect(run.frames).toEqual(["hello 1", "hello 2"])
          expect(tags(run.events, "Rotated").map((e) => e._tag === "Rotated" && e.why)).toEqual(["serverShutdown"])
          yield* Fiber.interrupt(run.fiber)
        })
    )
  })
})
