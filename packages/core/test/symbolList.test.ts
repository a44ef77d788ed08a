/** Symbols as users type them: any case, and with the separator other tools put between base and quote. */
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { SymbolList } from "../src/trade/SymbolList.ts"

const decode = Schema.decodeUnknownSync(SymbolList)

describe("a list of symbols", () => {
  it("takes Binance's spelling in any case, and ccxt's BTC/USDT or BTC-USDT as Binance's BTCUSDT, each once", () => {
    expect(decode("btcusdt, ETH/USDT,BTC-USDT,sol_usdt")).toEqual(["BTCUSDT", "ETHUSDT", "SOLUSDT"])
  })

  it("refuses what no separator explains", () => {
    expect(() => decode("BTC USDT")).toThrow(/upper-case Binance symbol/)
  })
})
