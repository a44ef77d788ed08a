/**
 * Which streams go on which connection. Binance allows 1024 streams per connection; a long URL
 * is fragile, so a connection's URL names its first streams and the rest are subscribed with
 * SUBSCRIBE messages, paced to stay under 5 incoming messages per second per connection.
 */
export interface StreamPlanOptions {
  readonly maxStreamsPerConnection: number
  readonly streamsInUrl: number
  readonly streamsPerSubscribe: number
}

export const DEFAULT_PLAN: StreamPlanOptions = { maxStreamsPerConnection: 1000, streamsInUrl: 100, streamsPerSubscribe: 200 }

export interface ConnectionPlan {
  readonly index: number
  readonly symbols: ReadonlyArray<string>
  /** `<ws base>/stream?streams=...` */
  readonly url: string
  /** Further SUBSCRIBE messages to send once connected, each a list of stream names. */
  readonly subscribes: ReadonlyArray<ReadonlyArray<string>>
}

const tradeStreamOf = (symbol: string): string => `${symbol.toLowerCase()}@trade`

export const planConnections = (wsBase: string, symbols: ReadonlyArray<string>, options: StreamPlanOptions = DEFAULT_PLAN): Array<ConnectionPlan> => {
  const plans: Array<ConnectionPlan> = []
  for (let i = 0; i < symbols.length; i += options.maxStreamsPerConnection) {
    const group = symbols.slice(i, i + options.maxStreamsPerConnection)
    const streams = group.map(tradeStreamOf)
    const subscribes: Array<Array<string>> = []
    for (let j = options.streamsInUrl; j < streams.length; j += options.streamsPerSubscribe) {
      subscribes.push(streams.slice(j, j + options.streamsPerSubscribe))
    }
    plans.push({
      index: plans.length,
      symbols: group,
      url: `${wsBase.replace(/\/+$/, "")}/stream?streams=${streams.slice(0, options.streamsInUrl).join("/")}`,
      subscribes
    })
  }
  return plans
}
