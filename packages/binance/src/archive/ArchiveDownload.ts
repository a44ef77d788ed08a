/**
 * One public-archive file fetched and verified: its `.CHECKSUM` first (a 404 there means the file
 * is not published, which is not an error of ours), then the zip into `<dir>/NAME.part`, resumed
 * with a Range request after a cut connection or a peer gone silent, then its SHA-256 against the
 * published one. A
 * file that does not match is deleted and fetched again from nothing; one that never matches
 * fails with both digests. Only a verified file is renamed to its own name.
 */
import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import { mkdir, open, rename, rm, stat } from "node:fs/promises"
import { join } from "node:path"
import { Duration, Effect, Schema, Stream } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { type ArchiveFile, checksumOf } from "./PublicArchive.ts"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import { retrySchedule } from "@blockchaincore/core/retry/RetrySchedule"

/** The archive has no such file (yet): days appear the day after. */
export class NotPublished extends Schema.TaggedError<NotPublished>()("NotPublished", { url: Schema.String }) {}

/** The file could not be fetched or verified, after the retries. */
export class DownloadFailed extends Schema.TaggedError<DownloadFailed>()("DownloadFailed", {
  url: Schema.String,
  message: Schema.String
}) {}

/** A transient failure, retried: a cut connection, a 5xx, a digest that does not match. */
export class Transient extends Schema.TaggedError<Transient>()("Transient", { message: Schema.String }) {}

interface Downloaded {
  readonly path: string
  /** The SHA-256 the archive publishes for it, which its bytes match. */
  readonly sha256: string
  /** Bytes fetched over the network for it, resumed parts included. */
  readonly bytes: number
}

export interface DownloadOptions {
  readonly baseUrl: string
  readonly dir: string
  /** Tries of one file before it fails (cut connections resume, so each try makes progress). */
  readonly tries: number
  /** Called with the bytes of each chunk as it arrives, for progress. */
  readonly onBytes?: (n: number) => void
  /** How long the archive may leave a request without its answer, or a download without its next bytes (IDLE_MILLIS). */
  readonly idleMillis?: number
}

/** A peer that says nothing for this long is taken for gone: the try fails and the next resumes. */
const IDLE_MILLIS = 30_000

const RETRY = retrySchedule({ baseMillis: 500, capMillis: 10_000 })

const sizeOf = (path: string) =>
  stat(path).then(
    (s) => s.size,
    () => 0
  )

const sha256Of = (path: string) =>
  new Promise<string>((resolve, reject) => {
    const hash = createHash("sha256")
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")))
  })

/**
 * The SHA-256 the archive publishes for `file` now (its `.CHECKSUM`), retried like a download:
 * also how a file loaded before is found re-uploaded (Binance replaces files after fixes).
 */
export const publishedChecksum = Effect.fn("publishedChecksum")(function* (
  file: Pick<ArchiveFile, "name" | "path">,
  options: Pick<DownloadOptions, "baseUrl" | "tries" | "idleMillis">
): Effect.fn.Return<string, NotPublished | DownloadFailed, HttpClient.HttpClient> {
  const client = yield* HttpClient.HttpClient
  const url = `${options.baseUrl.replace(/\/+$/, "")}/${file.path}`
  const idle = options.idleMillis ?? IDLE_MILLIS
  const text = yield* client.execute(HttpClientRequest.get(`${url}.CHECKSUM`)).pipe(
    Effect.mapError((e) => new Transient({ message: `CHECKSUM: ${e.message}` })),
    Effect.flatMap(
      (response): Effect.Effect<string, NotPublished | Transient> =>
        response.status === 404
          ? Effect.fail(new NotPublished({ url }))
          : response.status !== 200
            ? Effect.fail(new Transient({ message: `CHECKSUM: HTTP ${response.status}` }))
            : response.text.pipe(Effect.mapError((e) => new Transient({ message: `CHECKSUM: ${e.message}` })))
    ),
    Effect.timeoutOrElse({
      duration: Duration.millis(idle),
      orElse: () => Effect.fail(new Transient({ message: `CHECKSUM: no answer for ${idle / 1000} s` }))
    }),
    Effect.retry({ schedule: RETRY, times: options.tries - 1, while: (e) => e._tag === "Transient" }),
    Effect.catchTag("Transient", (e: Transient) => Effect.fail(new DownloadFailed({ url, message: e.message })))
  )
  const published = checksumOf(text, file.name)
  return "problem" in published ? yield* new DownloadFailed({ url, message: published.problem }) : published.sha256
})

export const downloadArchiveFile = (
  file: Pick<ArchiveFile, "name" | "path">,
  options: DownloadOptions
): Effect.Effect<Downloaded, NotPublished | DownloadFailed, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const url = `${options.baseUrl.replace(/\/+$/, "")}/${file.path}`
    const target = join(options.dir, file.name)
    const partial = `${target}.part`
    const io = <A>(what: string, run: () => Promise<A>) =>
      Effect.tryPromise({ try: run, catch: (e) => new Transient({ message: `${what}: ${errorMessage(e)}` }) })
    yield* io("create the download directory", () => mkdir(options.dir, { recursive: true }))

    const idle = options.idleMillis ?? IDLE_MILLIS
    const silent = (what: string) => new Transient({ message: `${what}: no answer for ${idle / 1000} s` })
    const execute = (request: HttpClientRequest.HttpClientRequest, what: string) =>
      client.execute(request).pipe(
        Effect.mapError((e) => new Transient({ message: `${what}: ${e.message}` })),
        Effect.timeoutOrElse({ duration: Duration.millis(idle), orElse: () => Effect.fail(silent(what)) })
      )
    const published = { sha256: yield* publishedChecksum(file, options) }

    // A verified file from an earlier run is taken as it is.
    if ((yield* io("hash", () => sizeOf(target))) > 0 && (yield* io("hash", () => sha256Of(target))) === published.sha256)
      return { path: target, sha256: published.sha256, bytes: 0 }

    let fetched = 0
    const fetchOnce = Effect.gen(function* () {
      const have = yield* io("stat", () => sizeOf(partial))
      const request = HttpClientRequest.get(url).pipe(have > 0 ? HttpClientRequest.setHeader("range", `bytes=${have}-`) : (r) => r)
      const response = yield* execute(request, file.name)
      if (response.status === 404) return yield* new NotPublished({ url })
      // 206 continues the partial file; 200 is the whole file again; 416 means it was already whole.
      if (response.status !== 200 && response.status !== 206 && response.status !== 416) return yield* new Transient({ message: `HTTP ${response.status}` })
      if (response.status !== 416) {
        const handle = yield* io("open", () => open(partial, response.status === 206 ? "a" : "w"))
        yield* response.stream.pipe(
          Stream.mapError((e) => new Transient({ message: `the connection broke after ${fetched} bytes: ${e.message}` })),
          Stream.timeoutOrElse({ duration: Duration.millis(idle), orElse: () => Stream.fail(silent(`${file.name} after ${fetched} bytes`)) }),
          Stream.runForEach((chunk) =>
            io("write", () => handle.write(chunk)).pipe(
              Effect.tap(() =>
                Effect.sync(() => {
                  fetched += chunk.length
                  options.onBytes?.(chunk.length)
                })
              )
            )
          ),
          Effect.ensuring(Effect.promise(() => handle.close()))
        )
      }
      const digest = yield* io("hash", () => sha256Of(partial))
      if (digest !== published.sha256) {
        yield* io("remove", () => rm(partial, { force: true }))
        return yield* new Transient({ message: `SHA-256 ${digest} is not the published ${published.sha256}` })
      }
      yield* io("rename", () => rename(partial, target))
    })
    yield* fetchOnce.pipe(Effect.retry({ schedule: RETRY, times: options.tries - 1, while: (e) => e._tag === "Transient" }))
    return { path: target, sha256: published.sha256, bytes: fetched }
  }).pipe(Effect.catchTag("Transient", (e: Transient) => Effect.fail(new DownloadFailed({ url: `${options.baseUrl}/${file.path}`, message: e.message }))))
