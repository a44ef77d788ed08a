/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The producer: one Fargate task (ARM, the smallest size) streaming the configured symbols from
 * Binance to the trades queue. Its VPC has public subnets only (no NAT gateway to pay for): the
 * task gets a public address to reach Binance, and nothing reaches it. Under `sst dev` it runs on
 * the developer's machine through `dev.command` instead, against the stage's real queue. It reads
 * the processor's state table at start, to resume each symbol after its last processed trade (a
 * restart's missed trades are filled from Binance's REST API, not lost).
 */
import type { Market } from "./market.ts"
import type { Storage } from "./storage.ts"



export const producer = (market: Market, storage: Storage, symbols: ReadonlyArray<string>) => {
  const vpc = new sst.aws.Vpc("Vpc", { az: 2 })
  const cluster = new sst.aws.Cluster("Cluster", { vpc })
  const service = new sst.aws.Service("Producer", {
    cluster,
    architecture: "arm64",
    cpu: "0.25 vCPU",
    memory: "0.5 GB",
    image: { context: ".", dockerfile: "packages/producer/Dockerfile" },
    environment: { QUEUE_URL: market.queue.url, STATE_TABLE: storage.engineState.name, SYMBOLS: symbols.join(",") },
    link: [market.queue, storage.engineState],
    logging: { retention: "1 month" },
    dev: { command: `node packages/local/bin/blockchaincore.ts produce --queue-url "$QUEUE_URL" --state-table "$STATE_TABLE" --symbols "$SYMBOLS" --journal-dir ./data/journal` }
  })
  return { vpc, cluster, service }
}
