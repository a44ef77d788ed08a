/**
 * A loopback HTTP endpoint standing in for an AWS service that cannot run here (SQS, SNS,
 * EventBridge), so an adapter's requests are checked where they leave the real SDK: what the SDK
 * serialises is recorded, and the answer (success, throttling, failed entries) is the test's.
 */
import { createServer } from "node:http"
import { portOf } from "./awsStandIns.ts"

interface WireRequest {
  /** `X-Amz-Target` for JSON protocols, the `Action` parameter for query protocols. */
  readonly operation: string
  readonly body: string
}

export interface WireAnswer {
  readonly status: number
  readonly contentType: string
  readonly body: string
}

export const startWireFake = async (answer: (request: WireRequest, index: number) => WireAnswer) => {
  const requests: Array<WireRequest> = []
  const server = createServer((req, res) => {
    let body = ""
    req.on("data", (chunk) => (body += String(chunk)))
    req.on("end", () => {
      const target = req.headers["x-amz-target"]
      const operation = typeof target === "string" ? target : (new URLSearchParams(body).get("Action") ?? "")
      const request = { operation, body }
      requests.push(request)
      const reply = answer(request, requests.length)
      res.writeHead(reply.status, { "content-type": reply.contentType })
      res.end(reply.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    endpoint: `http://127.0.0.1:${portOf(server.address())}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

export const json = (body: unknown, status = 200, contentType = "application/x-amz-json-1.1"): WireAnswer => ({
  status,
  contentType,
  body: JSON.stringify(body)
})

export const TEST_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" }
