/**
 * The local runtime's HTTP server on 127.0.0.1: the read-only API (services/api/ReadApi.ts),
 * the dashboard's live events (`/api/events`, server-sent) and the dashboard itself (`/`).
 */
import { createServer, type Server } from "node:http"
import { Effect } from "effect"
import { answer, type ApiSources } from "@blockchaincore/services/api/ReadApi"
import type { LiveEvents } from "./LiveEvents.ts"
import { serveStatic } from "./StaticFiles.ts"

export interface HttpExtras {
  readonly live?: LiveEvents
  /** The built dashboard's folder. */
  readonly dashboard?: string
}

/** Starts the server on 127.0.0.1:`port` (0: any free port); resolves with the server and its port. */
export const startHttpApi = (sources: ApiSources, port: number, extras: HttpExtras = {}): Promise<{ readonly server: Server; readonly port: number }> =>
  new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1")
      if (req.method === "GET" && url.pathname === "/api/events" && extras.live !== undefined) return extras.live.attach(res)
      if (req.method === "GET" && !url.pathname.startsWith("/api/") && url.pathname !== "/health" && url.pathname !== "/metrics" && extras.dashboard !== undefined) {
        if (serveStatic(extras.dashboard, url.pathname, res)) return
      }
      void Effect.runPromise(answer(sources, req.method ?? "GET", url.pathname, url.searchParams)).then((a) => {
        res.writeHead(a.status, { "content-type": a.contentType })
        res.end(a.body)
      })
    })
    server.once("error", reject)
    server.listen(port, "127.0.0.1", () => {
      const address = server.address()
      if (address === null || typeof address === "string") reject(new Error("the API is not on a TCP port"))
      else resolve({ server, port: address.port })
    })
  })
