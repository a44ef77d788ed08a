/**
 * The command line is input from outside: generated arguments (known commands with wrong,
 * missing, repeated or hostile flags and values, unknown ones, text that is not ASCII) end the
 * process with a message and a status, never a stack trace or a hang. Dates are generated well
 * formed but impossible too. Bounded: 15 runs, each
 * killed after 20 s.
 */
import fc from "fast-check"
import { expect, it } from "vitest"
import { runCliWithin } from "@blockchaincore/testkit/cli"

/**
 * Well-formed dates that do not exist (month 0 or 13+, day 0 or 32+, the 31st of April, the 29th
 * of February of a year that is not leap): refused by name. None is a real date, so no generated
 * backfill goes out to the real archive.
 */
const year = fc.integer({ min: 1, max: 9999 }).map((y) => String(y).padStart(4, "0"))
const two = (n: number) => String(n).padStart(2, "0")
const date = fc.oneof(
  fc.tuple(year, fc.constantFrom(0, 13, 14, 19), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => `${y}-${two(m)}-${two(d)}`),
  fc.tuple(year, fc.integer({ min: 1, max: 12 }), fc.constantFrom(0, 32, 39)).map(([y, m, d]) => `${y}-${two(m)}-${two(d)}`),
  fc.tuple(year, fc.constantFrom("04-31", "06-31", "09-31", "11-31", "02-30")).map(([y, md]) => `${y}-${md}`)
)
const value = fc.oneof(
  fc.string({ maxLength: 30 }),
  date,
  fc.constantFrom(
    "2024-13-01",
    "2100-02-29",
    "",
    "-1",
    "1e400",
    "NaN",
    "2024-02-30",
    "../../etc/passwd",
    "BTCUSDT,,",
    "\u00ff\u00fe",
    "x".repeat(5_000),
    "http://",
    "ws://["
  )
)
const flag = fc.constantFrom(
  "--symbols",
  "--from",
  "--to",
  "--kind",
  "--interval",
  "--input",
  "--port",
  "--data-dir",
  "--archive-url",
  "--tries",
  "--speed",
  "--format",
  "--nope",
  "-x"
)
const args = fc
  .tuple(fc.constantFrom("candles", "backfill", "query", "replay-server", "record", "nonsense", "--help-me"), fc.array(fc.oneof(flag, value), { maxLength: 6 }))
  .map(([command, rest]) => [command, ...rest])
  // An argument cannot hold a NUL byte: the operating system ends it there.
  .filter((argv) => argv.every((a) => !a.includes("\u0000")))

it("ends every generated command line with a message and a status, never a stack trace", async () => {
  await fc.assert(
    fc.asyncProperty(args, async (argv) => {
      const run = await runCliWithin(20_000, ...argv)
      const said = run.stdout + run.stderr
      expect([0, 1, 2], said).toContain(run.code)
      expect(said).not.toMatch(/\n\s+at [^\n]+:\d+:\d+\)?\n|uncaught|TypeError|RangeError|a bug, please report it/i)
    }),
    { numRuns: 15 }
  )
}, 300_000)

it("refuses an impossible date by name, for --from and --to", async () => {
  for (const [from, to, bad] of [
    ["2024-13-01", "2024-12-31", "2024-13-01"],
    ["2024-01-01", "2024-04-31", "2024-04-31"]
  ] as const) {
    const run = await runCliWithin(20_000, "backfill", "--symbols", "BTCUSDT", "--from", from, "--to", to, "--archive-url", "http://127.0.0.1:9")
    expect(run.code, run.stderr).not.toBe(0)
    expect(run.stdout + run.stderr).toContain(`${bad} is not a date`)
    expect(run.stdout + run.stderr).not.toMatch(/a bug|Invalid time value/)
  }
})
