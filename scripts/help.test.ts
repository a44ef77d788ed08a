/**
 * `--help` a user can act on, for `blockchaincore`'s commands and the operator scripts alike: a
 * description, each flag with what it takes, at least one example, and every flag an example
 * uses listed among the command's flags.
 */
import { execFile } from "node:child_process"
import { describe, expect, it } from "vitest"
import { ROOT } from "@blockchaincore/testkit/readme"

const helpOf = (argv: ReadonlyArray<string>) =>
  new Promise<{ readonly code: number; readonly text: string }>((done) =>
    execFile(argv[0]!, [...argv.slice(1), "--help"], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) =>
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, text: stdout + stderr })
    )
  )

const section = (text: string, name: string) => `\n${text}`.split(`\n${name}\n`)[1]?.split(/\n[A-Z][A-Z ]+\n/)[0] ?? ""

const COMMANDS: ReadonlyArray<ReadonlyArray<string>> = [
  ...["start", "candles", "query", "backfill", "produce", "record", "replay-server"].map((c) => ["npx", "blockchaincore", c]),
  ...["aws:start", "aws:monitor", "aws:stop", "aws:redrive", "aws:backfill", "cost"].map((s) => ["npm", "run", "--silent", s, "--"])
]

describe("--help", () => {
  for (const argv of COMMANDS) {
    it(`${argv.slice(0, -1).join(" ").replace(" --silent", "")}${argv.at(-1) === "--" ? "" : ` ${argv.at(-1)}`} --help: a description, its flags, an example whose flags it has`, async () => {
      const { code, text } = await helpOf(argv)
      expect(code, text).toBe(0)
      expect(section(text, "DESCRIPTION").trim().length, text).toBeGreaterThan(10)
      const flags = [...section(text, "FLAGS").matchAll(/^\s+(--[a-z-]+)/gm)].map((m) => m[1]!)
      expect(flags.length, text).toBeGreaterThan(0)
      const examples = section(text, "EXAMPLES")
        .split("\n")
        .filter((l) => /^\s+(blockchaincore|npm|BLOCKCHAINCORE_)/.test(l))
      expect(examples.length, text).toBeGreaterThan(0)
      for (const example of examples) for (const flag of example.match(/--[a-z][a-z-]*/g) ?? []) expect(flags, example).toContain(flag)
    })
  }
})
