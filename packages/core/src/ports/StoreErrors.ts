/** The errors every store port shares: the store could not be reached, or a versioned write lost a race. */
import { Schema } from "effect"

export class StoreUnavailable extends Schema.TaggedError<StoreUnavailable>()("StoreUnavailable", {
  message: Schema.String
}) {}

/** Someone else saved the state first: read it again and redo the work. */
export class VersionConflict extends Schema.TaggedError<VersionConflict>()("VersionConflict", {
  symbol: Schema.String,
  expected: Schema.Int
}) {}
