/**
 * The command line is input from outside: generated arguments (known commands with wrong,
 * missing, repeated or hostile flags and values, unknown ones, text that is not ASCII) end the
 * process with a message and a status, never a stack trace or a hang. Bounded: 15 runs, each
 * killed after 20 s.
 */
import fc from "fast-check"
import { expect, it } from "vitest"
import { runCliWithin } from "./support/cli.ts"

const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("", "-1", "1e400", "NaN", "2024-02-30", "../../etc/passwd", "BTCUSDT,,", "\u00ff\u00fe", "x".repeat(5_000), "http://", "ws://["))
const flag = fc.constantFrom("--symbols", "--from", "--to", "--kind", "--interval", "--input", "--port", "--data-dir", "--archive-url", "--tries", "--speed", "--format", "--nope", "-x")
const args = fc.tuple(
  fc.constantFrom("candles", "backfill", "query", "replay-server", "record", "nonsense", "--help-me"),
  fc.array(fc.oneof(flag, value), { maxLength: 6 })
).map(([command, rest]) => [command, ...rest])
  // An argument cannot hold a NUL byte: the operating system ends it there.
  .filter((argv) => argv.every((a) => !a.includes("\u0000")))

it("ends every generated command line with a message and a status, never a stack trace", async () => {
  await fc.assert(fc.asyncProperty(args, async (argv) => {
    const run = await runCliWithin(20_000, ...argv)
    const said = run.stdout + run.stderr
    expect([0, 1, 2], said).toContain(run.code)
    expect(said).not.toMatch(/\n\s+at [^\n]+:\d+:\d+\)?\n|uncaught|TypeError|RangeError/i)
  }), { numRuns: 15 })
}, 300_000)
