/**
 * The local runtime's HTTP API on 127.0.0.1: the read-only API (services/api/ReadApi.ts) over
 * Node's HTTP server.
 */
import { createServer, type Server } from "node:http"
import { Effect } from "effect"
import { answer, type ApiSources } from "@blockchaincore/services/api/ReadApi"

/** Starts the API on 127.0.0.1:`port` (0: any free port); resolves with the server and its port. */
export const startHttpApi = (sources: ApiSources, port: number): Promise<{ readonly server: Server; readonly port: number }> =>
  new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1")
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
