/**
 * A download from an archive that goes silent mid-file: the try fails after the idle time (on
 * the TestClock), and the next one resumes and verifies. The sockets and files move on their
 * own; the test only hands them turns of the event loop while it moves the clock, bounded.
 */
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber } from "effect"
import { OutboundHttp } from "@blockchaincore/adapters/http/OutboundHttp"
import { TestClock } from "effect/testing"
import { archiveFiles } from "../src/archive/PublicArchive.ts"
import { dailyPath, startPublicArchive } from "@blockchaincore/testkit/archiveStandIn"
import { downloadArchiveFile } from "../src/archive/ArchiveDownload.ts"

const file = archiveFiles("BTCUSDT", "trades", "2024-08-08", "2024-08-08")[0]!
const path = dailyPath("trades", "BTCUSDT", "2024-08-08")
const text = Array.from({ length: 20_000 }, (_, i) => `${i},61837.63000000,0.00100000,61.83763000,1723161255000,True,True`).join("\n")

const turn = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

describe("an archive download", () => {
  it.effect("gives up on a peer gone silent after the idle time and resumes on the next try", () =>
    Effect.gen(function* () {
      const archive = yield* Effect.acquireRelease(
        Effect.promise(() => startPublicArchive(new Map([[path, text]]), new Map([[path, { stallAfter: 4_000 }]]))),
        (server) => Effect.promise(() => server.close())
      )
      const dir = mkdtempSync(join(tmpdir(), "archive-download-"))
      const download = yield* Effect.forkChild(
        downloadArchiveFile(file, { baseUrl: archive.url, dir, tries: 3, idleMillis: 30_000 }).pipe(Effect.provide(OutboundHttp))
      )
      for (let i = 0; i < 5_000 && download.pollUnsafe() === undefined; i++) {
        yield* turn
        if (i % 25 === 24) yield* TestClock.adjust("5 seconds")
      }
      // Bounded: a download that never gave up would still be running here.
      expect(download.pollUnsafe(), "the download never ended").toBeDefined()
      const exit = yield* Fiber.await(download)
      expect(Exit.isSuccess(exit)).toBe(true)
      if (Exit.isSuccess(exit)) expect(readFileSync(exit.value.path).length).toBeGreaterThan(4_000)
      expect(archive.requests.filter((p) => p === path)).toHaveLength(2)
    }).pipe(Effect.scoped)
  )
})
