/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The producer: one Fargate task (ARM, the smallest size) streaming the configured symbols from
 * Binance to the trades queue, its entry point packages/aws/src/producer/main.ts. Its VPC has
 * public subnets only (no NAT gateway to pay for): the task gets a public address to reach
 * Binance, and nothing reaches it. It may send to the trades queue, read the processor's state
 * table (to resume each symbol after its last processed trade: a restart's missed trades are
 * filled from REST), read and write candles (the warm start: the anomaly rules' history from
 * Binance's klines where the table has too little, as the local runtime does) and announce gaps
 * on the market bus; nothing else.
 *
 * The container's health check reads the producer's heartbeat; in `prod` the deploy waits for a
 * healthy, stable task, so a task that crash-loops fails the deploy instead of reporting success.
 * Under `sst dev` the same entry point runs on the developer's machine (`dev.command`) against the
 * stage's real queue, with the task role's permissions.
 * On Fargate Spot (a stage setting) an interruption is a stop and a restart: the trades in between
 * are a gap, filled from REST when the new task starts.
 *
 * Beside it, the backfill task: not a service but a task definition run on demand.
 */
import { ANOMALY_CONFIG_ENV } from "@blockchaincore/core/anomaly/AnomalySettings"
import type { Grant, Grants } from "./access.ts"
import type { DeployConfig } from "./config.ts"
import { tracedEnvironment, tracingGrants } from "./tracing.ts"
import type { Market } from "./market.ts"
import type { Storage } from "./storage.ts"

export const PRODUCER_ENTRY = "packages/aws/src/producer/main.ts"
export const BACKFILL_ENTRY = "packages/aws/src/backfill/main.ts"

export const producer = (market: Market, storage: Storage, bus: sst.aws.Bus, grants: Grants, config: DeployConfig) => {
  // A VPC holds no data: removed with its stage (SST's "retain" would keep it, its subnets and its
  // default security group), it does not count against the region's five after a removal.
  const removedWithStage = (_args: unknown, opts: { retainOnDelete?: boolean }): undefined => {
    opts.retainOnDelete = false
    return undefined
  }
  const vpc = new sst.aws.Vpc("Vpc", {
    az: 2,
    transform: { vpc: removedWithStage, securityGroup: removedWithStage, publicSubnet: removedWithStage, privateSubnet: removedWithStage }
  })
  const cluster = new sst.aws.Cluster("Cluster", { vpc })
  const sendTrades: Grant = { actions: ["sqs:SendMessage"], resources: [market.queue.arn] }
  // One image, two programs: the producer (its CMD) and the backfill.
  const image = { context: ".", dockerfile: "packages/aws/Dockerfile" }
  const service = new sst.aws.Service("Producer", {
    cluster,
    architecture: "arm64",
    cpu: "0.25 vCPU",
    memory: "0.5 GB",
    image,
    environment: {
      QUEUE_URL: market.queue.url,
      STATE_TABLE: storage.engineState.name,
      BUS_NAME: bus.name,
      SYMBOLS: config.symbols.join(","),
      // The warm start: the anomaly rules' history from Binance's klines, sized by the stage's settings.
      CANDLES_TABLE: storage.candles.name,
      ...(config.anomalyConfig === undefined ? {} : { [ANOMALY_CONFIG_ENV]: JSON.stringify(config.anomalyConfig) }),
      ...tracedEnvironment(config)
    },
    permissions: [sendTrades, grants.readState, grants.listGaps, grants.readCandles, grants.writeCandles, grants.publishEvents, ...tracingGrants(config)],
    health: { command: ["CMD", "node", "/app/healthcheck.mjs"], startPeriod: "60 seconds", interval: "30 seconds", timeout: "5 seconds", retries: 3 },
    wait: $app.stage === "prod",
    ...(config.producerCapacity === "spot" ? { capacity: "spot" as const } : {}),
    logging: { retention: "1 month" },
    dev: { command: `node_modules/.bin/node ${PRODUCER_ENTRY}` }
  })
  // History from Binance's public archive, run on demand (`npm run aws:backfill`): the same image,
  // its other program. It writes candles, stages trades, keeps its ledger under backfill/ in the
  // bucket and hands each file's hours and days to the archival function over the bus.
  const backfill = new sst.aws.Task("Backfill", {
    cluster,
    architecture: "arm64",
    cpu: "1 vCPU",
    memory: "2 GB",
    image,
    // The producer image's V8 flag (packages/aws/build.ts PRODUCER_V8_FLAG; the offline test holds them equal).
    command: ["node", "--max-semi-space-size=8", "/app/backfill.mjs"],
    link: [storage.candles, storage.engineState, storage.archive, bus],
    permissions: [grants.writeCandles, grants.readCandles, grants.stageTrades, ...grants.backfillLedger, grants.publishEvents],
    publicIp: true,
    logging: { retention: "1 month" },
    dev: { command: `node_modules/.bin/node ${BACKFILL_ENTRY}` }
  })
  return { vpc, cluster, service, backfill }
}
