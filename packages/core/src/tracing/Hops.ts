/**
 * The hops a batch takes from the exchange to each consumer: the catalogue both runtimes time
 * (observability/HopTiming.ts), `/health` reports and the dashboard's Latency panel names.
 */
export const HOPS = {
  exchange: "the exchange's trade time to the arrival of the batch's first trade",
  batching: "the batch's first trade received to the batch taken to be published",
  publish: "sending the batch to the trades queue",
  queue: "waiting in the trades queue, until the pipe takes the batch",
  enrich: "enrichment: instruments, repeats dropped, large trades flagged",
  process: "processing: the engine, candle and state writes, staging, the events",
  bus: "publishing the batch's domain events",
  consume: "one consumer's handling of one event"
} as const
export type Hop = keyof typeof HOPS
export const HOP_NAMES = Object.keys(HOPS) as ReadonlyArray<Hop>
