/**
 * Errors in Binance's own shape, `{"code": -1121, "msg": "Invalid symbol."}`, so that a Binance
 * client reading this API handles them as it handles Binance's. Each status has its codes, and
 * the code picks the status when an error is encoded. Binance's codes: -1100 an illegal parameter
 * value, -1101 too many parameters, -1102 a mandatory parameter missing, -1120 an invalid interval,
 * -1121 an invalid symbol; -1001 the server cannot answer now. Not found (-1) is this API's own.
 */
import { Schema } from "effect"
import { HttpApiSchema } from "effect/http-api"

export const BadRequest = Schema.Struct({ code: Schema.Literals([-1100, -1101, -1102, -1120, -1121]), msg: Schema.String }).pipe(HttpApiSchema.status(400))
export type BadRequest = typeof BadRequest.Type

export const NotFound = Schema.Struct({ code: Schema.Literal(-1), msg: Schema.String }).pipe(HttpApiSchema.status(404))
export type NotFound = typeof NotFound.Type

export const Unavailable = Schema.Struct({ code: Schema.Literal(-1001), msg: Schema.String }).pipe(HttpApiSchema.status(503))
export type Unavailable = typeof Unavailable.Type

export type BinanceError = BadRequest | NotFound | Unavailable
