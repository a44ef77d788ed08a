/** Which public-archive files hold a period, and what their CHECKSUM files say. */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Result, Schema } from "effect"
import { ArchiveDate, archiveFiles, checksumOf, daysOf } from "../src/archive/PublicArchive.ts"

describe("the public archive's files for a period", () => {
  it("takes a whole calendar month as its monthly file and the other days as daily files", () => {
    expect(archiveFiles("BTCUSDT", "trades", "2024-01-30", "2024-03-02").map((f) => f.path)).toEqual([
      "data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2024-01-30.zip",
      "data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2024-01-31.zip",
      "data/spot/monthly/trades/BTCUSDT/BTCUSDT-trades-2024-02.zip",
      "data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2024-03-01.zip",
      "data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2024-03-02.zip"
    ])
    expect(archiveFiles("XRPETH", "aggTrades", "2019-10-11", "2019-10-11").map((f) => f.name)).toEqual(["XRPETH-aggTrades-2019-10-11.zip"])
  })

  it("lists a month's daily files, for a monthly file that is not published", () => {
    const [month] = archiveFiles("BTCUSDT", "trades", "2024-02-01", "2024-02-29")
    expect(month?.period).toBe("monthly")
    const days = daysOf(month!)
    expect(days.map((f) => f.name)).toEqual(Array.from({ length: 29 }, (_, i) => `BTCUSDT-trades-2024-02-${String(i + 1).padStart(2, "0")}.zip`))
    expect([days[0]!.from, days.at(-1)!.to]).toEqual([month!.from, month!.to])
    expect(daysOf(days[3]!)).toEqual([days[3]])
  })

  it("takes only dates that exist, and says which is not one without throwing", () => {
    const decode = Schema.decodeUnknownResult(ArchiveDate)
    for (const ok of ["2024-02-29", "2019-10-31", "2000-02-29"]) expect(Result.isSuccess(decode(ok)), ok).toBe(true)
    for (const bad of ["2024-13-01", "2024-04-31", "2023-02-29", "2100-02-29", "2024-00-10", "2024-01-00", "0000-00-00", "9999-19-39"]) {
      const result = decode(bad)
      expect(Result.isFailure(result) && result.failure.message, bad).toMatch(new RegExp(`${bad} is not a date`))
    }
    expect(Result.isFailure(decode("2024-1-1")) && decode("2024-1-1")).toBeTruthy()
  })

  it("covers every millisecond of the range exactly once, in order", () => {
    const day = fc.integer({ min: Date.UTC(2017, 6, 1), max: Date.UTC(2026, 0, 1) }).map((t) => new Date(t).toISOString().slice(0, 10))
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 120 }), (from, length) => {
        const to = new Date(Date.parse(`${from}T00:00:00Z`) + length * 86_400_000).toISOString().slice(0, 10)
        const files = archiveFiles("ETHUSDT", "trades", from, to)
        expect(files[0]!.from).toBe(Date.parse(`${from}T00:00:00Z`))
        expect(files.at(-1)!.to).toBe(Date.parse(`${to}T00:00:00Z`) + 86_400_000)
        for (let i = 1; i < files.length; i++) expect(files[i]!.from).toBe(files[i - 1]!.to)
      })
    )
  })
})

describe("a CHECKSUM file", () => {
  it("gives the SHA-256 of the file it names, and says what is wrong otherwise", () => {
    const hex = "ab".repeat(32)
    expect(checksumOf(`${hex}  BTCUSDT-trades-2024-01-05.zip\n`, "BTCUSDT-trades-2024-01-05.zip")).toEqual({ sha256: hex })
    expect(checksumOf(`${hex.toUpperCase()} *BTCUSDT-trades-2024-01-05.zip`, "BTCUSDT-trades-2024-01-05.zip")).toEqual({ sha256: hex })
    expect(checksumOf(`${hex}  ETHUSDT-trades-2024-01-05.zip`, "BTCUSDT-trades-2024-01-05.zip")).toEqual({
      problem: "the CHECKSUM names ETHUSDT-trades-2024-01-05.zip, not BTCUSDT-trades-2024-01-05.zip"
    })
    expect(checksumOf("<html>Not Found</html>", "x.zip")).toMatchObject({ problem: expect.stringMatching(/not a CHECKSUM line/) })
  })
})
