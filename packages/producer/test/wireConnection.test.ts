/**
 * One connection against what the network really sends, on loopback, with a server written at the
 * byte level (support/rawWebSocketServer.ts). Connect and idle timeouts run on the TestClock.
 */
import { it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Schedule, Stream } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect } from "vitest"
import { ConnectFailed, ConnectionLost, HIGH_WATER, openConnection } from "../src/stream/WireConnection.ts"
import { clientFrames, frame, handshakeAnswer, pingFrame, type RawConnection, startRawServer, textFrame } from "@blockchaincore/testkit/rawWebSocketServer"

const OPTIONS = { connectTimeoutMillis: 10_000, idleTimeoutMillis: 60_000, controlSpacingMillis: 300 }
const plan = (url: string) => ({ index: 0, symbols: ["BTCUSDT"], url: `${url}/stream?streams=btcusdt@trade`, subscribes: [] })

const withServer = <A, E>(onHandshake: (c: RawConnection) => void, use: (url: string) => Effect.Effect<A, E>) =>
  Effect.acquireUseRelease(
    Effect.promise(() => startRawServer(onHandshake)),
    (server) => use(server.url),
    (server) => Effect.promise(() => server.close())
  )

const failureOf = <A, E>(exit: Exit.Exit<A, E>) => (Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined)

describe("a connection, against the wire as it arrives", () => {
  it.live("takes frames sent in the same write as the 101 response, in order", () =>
    withServer(
      (c) => c.socket.write(Buffer.concat([handshakeAnswer(c.request), textFrame("one"), textFrame("two"), textFrame("three")])),
      (url) =>
        Effect.scoped(
          Effect.gen(function* () {
            const connection = yield* openConnection(plan(url), OPTIONS)
            return yield* Stream.runCollect(Stream.take(connection.frames, 3))
          })
        )
    ).pipe(Effect.map((frames) => expect(frames).toEqual(["one", "two", "three"])))
  )

  it.live("fails the stream, not the process, on an invalid first frame sent with the handshake", () =>
    withServer(
      // Opcode 0x3 is reserved: ws must refuse it.
      (c) => c.socket.write(Buffer.concat([handshakeAnswer(c.request), frame(0x3, "bad")])),
      (url) =>
        Effect.scoped(
          Effect.gen(function* () {
            const connection = yield* openConnection(plan(url), OPTIONS).pipe(Effect.exit)
            if (Exit.isFailure(connection)) return failureOf(connection)
            return failureOf(yield* Stream.runDrain(connection.value.frames).pipe(Effect.exit))
          })
        )
    ).pipe(Effect.map((error) => expect(error instanceof ConnectionLost || error instanceof ConnectFailed, String(error)).toBe(true)))
  )

  it.live("fails the opening when the server closes during the handshake", () =>
    withServer(
      (c) => c.socket.destroy(),
      (url) => Effect.scoped(openConnection(plan(url), OPTIONS)).pipe(Effect.exit)
    ).pipe(
      Effect.map((exit) => {
        const error = failureOf(exit)
        expect(error).toBeInstanceOf(ConnectFailed)
        expect(String(error instanceof ConnectFailed ? error.message : "")).toMatch(/cannot reach ws:\/\/127\.0\.0\.1:\d+\/stream/)
      })
    )
  )

  it.effect("gives up on a server that never answers the handshake, at the connect timeout", () =>
    withServer(
      () => {},
      (url) =>
        Effect.gen(function* () {
          const attempt = yield* Effect.scoped(openConnection(plan(url), OPTIONS)).pipe(Effect.exit, Effect.forkChild)
          yield* TestClock.adjust(OPTIONS.connectTimeoutMillis)
          return yield* Fiber.join(attempt)
        })
    ).pipe(
      Effect.map((exit) =>
        expect(String(failureOf(exit) instanceof ConnectFailed ? (failureOf(exit) as ConnectFailed).reason : "")).toMatch(/no answer within 10000 ms/)
      )
    )
  )

  it.effect("ends a connection that accepts and then says nothing, at the idle timeout", () =>
    withServer(
      (c) => c.socket.write(handshakeAnswer(c.request)),
      (url) =>
        Effect.scoped(
          Effect.gen(function* () {
            const connection = yield* openConnection(plan(url), OPTIONS)
            const drained = yield* Stream.runDrain(connection.frames).pipe(Effect.exit, Effect.forkChild)
            yield* TestClock.adjust(OPTIONS.idleTimeoutMillis - 1)
            expect(drained.pollUnsafe()).toBeUndefined()
            yield* TestClock.adjust(1)
            return yield* Fiber.join(drained)
          })
        )
    ).pipe(
      Effect.map((exit) => {
        const error = failureOf(exit)
        expect(error).toBeInstanceOf(ConnectionLost)
        expect(error instanceof ConnectionLost ? error.reason : "").toBe("idle")
      })
    )
  )

  it.live("reassembles a frame split into single-byte TCP segments", () => {
    const text = JSON.stringify({ stream: "btcusdt@trade", data: { e: "trade", s: "BTCUSDT", t: 1, p: "61234.56000000", q: "0.00100000" } })
    return withServer(
      (c) => {
        c.socket.setNoDelay(true)
        c.socket.write(handshakeAnswer(c.request))
        const bytes = textFrame(text)
        let at = 0
        const next = () => {
          if (at < bytes.length && !c.socket.destroyed) c.socket.write(bytes.subarray(at, ++at), () => setImmediate(next))
        }
        next()
      },
      (url) =>
        Effect.scoped(
          Effect.gen(function* () {
            const connection = yield* openConnection(plan(url), OPTIONS)
            return yield* Stream.runCollect(Stream.take(connection.frames, 1))
          })
        )
    ).pipe(Effect.map((frames) => expect(frames).toEqual([text])))
  })

  it.live("answers the server's ping with a pong carrying the same payload, and counts it as life", () => {
    let client: RawConnection | undefined
    return withServer(
      (c) => {
        client = c
        c.socket.write(Buffer.concat([handshakeAnswer(c.request), pingFrame("ping-1700000000000"), textFrame("after the ping")]))
      },
      (url) =>
        Effect.scoped(
          Effect.gen(function* () {
            const connection = yield* openConnection(plan(url), OPTIONS)
            yield* Stream.runDrain(Stream.take(connection.frames, 1))
            // The pong was written before the next read returned: it is in the server's buffer by now or soon.
            for (let i = 0; i < 200 && clientFrames(client?.fromClient() ?? Buffer.alloc(0)).length === 0; i++)
              yield* Effect.promise(() => new Promise((r) => setImmediate(r)))
            return clientFrames(client?.fromClient() ?? Buffer.alloc(0))
          })
        )
    ).pipe(Effect.map((frames) => expect(frames.map((f) => [f.opcode, f.payload.toString()])).toEqual([[0xa, "ping-1700000000000"]])))
  })

  it.live(
    "pushes back on a flood it does not drain (the server's writes stall), then delivers every frame in order",
    () => {
      // 100,000 frames of 200 bytes: 20 MB, more than the kernel's socket buffers hold between them.
      const COUNT = 100_000
      const PAD = "x".repeat(180)
      let stalled = false
      return withServer(
        (c) => {
          c.socket.write(handshakeAnswer(c.request))
          let i = 0
          const pump = () => {
            while (i < COUNT) {
              if (!c.socket.write(textFrame(`frame ${i++} ${PAD}`))) {
                stalled = true
                c.socket.once("drain", pump)
                return
              }
            }
          }
          pump()
        },
        (url) =>
          Effect.scoped(
            Effect.gen(function* () {
              const connection = yield* openConnection(plan(url), OPTIONS)
              // Not reading (bounded): until the socket has paused at the high-water mark and TCP has
              // filled up behind it, so that the server's writes stall.
              let buffered = 0
              yield* Effect.sync(() => {
                buffered = Math.max(buffered, connection.buffered())
                return stalled && buffered >= HIGH_WATER
              }).pipe(Effect.repeat({ until: (full) => full, schedule: Schedule.spaced("2 millis") }), Effect.timeout("30 seconds"))
              const frames = yield* Stream.runCollect(Stream.take(connection.frames, COUNT))
              return { stalled, frames, buffered }
            })
          )
      ).pipe(
        Effect.map(({ stalled, frames, buffered }) => {
          expect(stalled).toBe(true)
          // ws may still hand over what one read held after the pause: a few hundred frames at most.
          expect(buffered).toBeGreaterThanOrEqual(HIGH_WATER)
          expect(buffered).toBeLessThan(HIGH_WATER + 1_000)
          expect(frames.length).toBe(COUNT)
          expect(frames.every((f, i) => f === `frame ${i} ${"x".repeat(180)}`)).toBe(true)
          expect(HIGH_WATER).toBeLessThan(COUNT)
        })
      )
    },
    60_000
  )
})
