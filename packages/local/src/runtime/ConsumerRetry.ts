/** How a local consumer's failed delivery is retried before it is logged and dropped, as Lambda retries an asynchronous invocation. */
import { retrySchedule } from "@blockchaincore/core/retry/RetrySchedule"

export const CONSUMER_RETRY = { schedule: retrySchedule({ baseMillis: 100, capMillis: 2_000 }), times: 3 }
