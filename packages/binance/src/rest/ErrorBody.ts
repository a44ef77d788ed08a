/**
 * The body of Binance's REST errors, `{"code":-1121,"msg":"Invalid symbol."}`: the code says what
 * was wrong where the HTTP status (400 for most) does not.
 */
import { Schema } from "effect"

export const ErrorBodyFromJson = Schema.fromJsonString(Schema.Struct({ code: Schema.Int, msg: Schema.String }))

/** A symbol Binance does not list: delisted, renamed, or never there. */
export const INVALID_SYMBOL = -1121
