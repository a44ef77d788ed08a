/**
 * A backfill, and a runtime catching up (a backlog, a replay, the soak's hours read as fast as it
 * can), keep little (a live heap of 30–40 MB) but make garbage fast, and V8, sizing the heap for a
 * 4 GB limit, lets it grow several times the live set between collections. Each collection's next
 * limit is set from this growth, read anew each time, so setting it at run time works; a fixed
 * `--max-old-space-size` cannot be set now, and in the shebang it would bound every command.
 * Measured by the bench: the backfill's peak RSS 383–409 MiB without it, 256–271 MiB with it, at
 * the same speed; the soak's 6 stream hours grew RSS by about 200 MiB without it and 45 with it.
 */
import { setFlagsFromString } from "node:v8"
import { Effect } from "effect"

export const boundHeapGrowth = Effect.sync(() => setFlagsFromString("--heap-growing-percent=20"))
