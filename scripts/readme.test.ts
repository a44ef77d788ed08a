/**
 * The README is a contract. Every `npm` and `npx` command it shows (in its shell blocks and in its
 * text) is taken from it as written and either run here, as a user runs it, with its placeholders
 * filled and its URLs pointed at loopback (a replay server the README's own `replay-server`
 * command starts, the public archive's stand-in, a webhook), checking the status and what the
 * README says it prints; or, where it cannot run here (AWS, live Binance, this very test run), its
 * flags are checked against the command's `--help` or the script's schema. A command the README
 * gains that this test does not know fails it.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdtempSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { formatUnits, PRICE_SCALE } from "@blockchaincore/core/decimal/Decimal"
import { type PublicArchiveServer, startPublicArchive } from "@blockchaincore/testkit/archiveStandIn"
import { waitFor } from "@blockchaincore/testkit/cli"
import { filled, flagsOf, README, readmeCommands, readmeSettings, ROOT, words } from "@blockchaincore/testkit/readme"
import { LIFT_PROTECTION } from "../stacks/stages.ts"
import { ConfigProvider, Effect, Option } from "effect"
import { readTracingSettings } from "@blockchaincore/observability/TracingSettings"
import { COST_FLAGS } from "./cost/CostArgs.ts"
import { BACKFILL_FLAGS, backfillArgs } from "./ops/BackfillRun.ts"
import { decodeArgs } from "./ops/ScriptCommand.ts"
import { MONITOR_FLAGS, monitorTarget, REDRIVE_FLAGS, STAGE_FLAGS } from "./ops/Stage.ts"

// ---- running them ----

interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const children = new Set<ChildProcess>()
afterAll(() => {
  for (const c of children) {
    try {
      if (c.pid !== undefined && c.exitCode === null) process.kill(-c.pid, "SIGKILL")
    } catch {
      // Gone already.
    }
  }
})

/** The command in its own process group (npm's children included), from the repository's root. */
const spawnIn = (argv: ReadonlyArray<string>) => {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } })
  children.add(child)
  let stdout = ""
  let stderr = ""
  child.stdout!.on("data", (d) => (stdout += String(d)))
  child.stderr!.on("data", (d) => (stderr += String(d)))
  // npm itself ends by the signal where its child ends with the shell's 130.
  const exited = new Promise<Ran>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code: code ?? (signal === "SIGINT" ? 130 : null), stdout, stderr }))
  )
  return { child, exited, output: () => stdout + stderr }
}

/** Runs to its end, killed after `limitMillis`. */
const runToEnd = async (argv: ReadonlyArray<string>, limitMillis = 120_000): Promise<Ran> => {
  const { child, exited } = spawnIn(argv)
  const limit = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, "SIGKILL"), limitMillis)
  const ran = await exited
  clearTimeout(limit)
  return ran
}

/** Starts a command that runs until stopped; resolves with the match of `ready` in its output. */
const startLong = async (argv: ReadonlyArray<string>, ready: RegExp, limitMillis = 60_000) => {
  const running = spawnIn(argv)
  // On the output itself: each chunk it writes is looked at once (spawnIn's listeners, added first, have kept it).
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const notReady = () => new Error(`${argv.join(" ")} did not get ready:\n${running.output()}`)
    const limit = setTimeout(() => reject(notReady()), limitMillis)
    const look = () => {
      const found = ready.exec(running.output())
      if (found === null) return
      clearTimeout(limit)
      resolve(found)
    }
    running.child.stdout!.on("data", look)
    running.child.stderr!.on("data", look)
    void running.exited.then(() => {
      clearTimeout(limit)
      reject(notReady())
    })
  })
  return {
    match,
    output: running.output,
    /** Ctrl-C, to the whole group as a terminal sends it. */
    stop: async () => {
      process.kill(-running.child.pid!, "SIGINT")
      return running.exited
    }
  }
}

const getJson = async (url: string): Promise<unknown> => (await fetch(url)).json()
const scratch = (what: string) => mkdtempSync(join(tmpdir(), `readme-${what}-`))

const COMMANDS = readmeCommands()
const find = (prefix: string | RegExp) => {
  const found = COMMANDS.find((c) => (typeof prefix === "string" ? c.startsWith(prefix) : prefix.test(c)))
  if (found === undefined) throw new Error(`the README has no command starting ${String(prefix)}`)
  return found
}
const CLI = ["npx", "blockchaincore"]
/** `npm start -- ...` runs `blockchaincore start ...` after building the dashboard. */
const asCli = (command: string): Array<string> => {
  const w = words(command, false)
  return w[0] === "npm" && w[1] === "start" ? ["npm", "start", "--", ...w.slice(3)] : w
}

// ---- what each command is ----

/** Commands that cannot run here, and why: their flags are still checked. */
const NOT_HERE: ReadonlyArray<readonly [RegExp, string]> = [
  [/^npm (install|test)$|^npm (ci|install) && npm test$/, "installs, or runs this very test suite"],
  [/^npm run test:unit$/, "runs a tier of this very test suite: scripts/testTiers.test.ts checks the script"],
  [/^npm run typecheck$/, "the type check npm test runs first; scripts/packageGraph.test.ts checks the script and runs tsc -b on planted imports"],
  [/^npm run format$/, "rewrites the source files; npm test runs its check (scripts/testTiers.test.ts checks both)"],
  [/^npm start$/, "live Binance, which this machine cannot reach: the same command on loopback is run below"],
  [/^npm run bench$/, "minutes of measurement; it writes docs/benchmarks.md"],
  [/^npx sst /, "SST's own CLI against an AWS account"],
  [/^npm run aws:/, "an AWS stage: its arguments are decoded by the script's schema below"],
  [/^npm start -- --webhook-url /, "run end to end by packages/local/test/webhookFlag.test.ts"],
  [/^npm run dev$/, "run in packages/web as sst dev runs it, by packages/web/test/devServer.test.ts"],
  [/^npm start -- --anomaly-config /, "run end to end by packages/local/test/anomalyConfig.test.ts"],
  [/^npm start -- --otlp-url /, "run end to end by packages/local/test/tracingFlag.test.ts"]
]

describe("the README's commands", () => {
  it("are each run here or known to need what this machine does not have", () => {
    const known = [
      /^npx blockchaincore (candles|query|backfill|produce|record|replay-server)( |$)/,
      /^npm start -- --(replay|symbols) /,
      /^npm run (build|cost)( -- |$)/
    ]
    const unknown = COMMANDS.filter((c) => !known.some((k) => k.test(c)) && !NOT_HERE.some(([k]) => k.test(c)))
    expect(unknown).toEqual([])
    expect(COMMANDS.length).toBeGreaterThanOrEqual(20)
  })

  it("name only flags the commands have: blockchaincore's in its --help, the scripts' in their schemas", async () => {
    const helpOf = new Map<string, string>()
    for (const command of COMMANDS) {
      const w = words(command, true)
      const sub = w[0] === "npx" && w[1] === "blockchaincore" ? w[2] : w[0] === "npm" && w[1] === "start" ? "start" : undefined
      if (sub === undefined) continue
      if (!helpOf.has(sub)) {
        const help = await runToEnd([...CLI, sub, "--help"])
        expect(help.code, help.stderr).toBe(0)
        helpOf.set(sub, help.stdout)
      }
      for (const flag of flagsOf(command)) expect(helpOf.get(sub), `${command}: ${flag}`).toMatch(new RegExp(`(^|\\s)${flag}(\\s|,|$)`, "m"))
    }
    expect([...helpOf.keys()].sort()).toEqual(["backfill", "candles", "produce", "query", "record", "replay-server", "start"])

    // The operator scripts, decoded as they decode their arguments (each would then act on AWS).
    const scripts = COMMANDS.filter((c) => /^npm run (aws:|cost)\S* -- /.test(c))
    for (const command of scripts) {
      const script = words(command, false)[2]!
      const argv = script === "aws:backfill" ? filled(words(command, true).slice(4), { "--to": "2024-12-31" }) : words(command, true).slice(4)
      const decode =
        script === "aws:backfill"
          ? () => backfillArgs(decodeArgs(BACKFILL_FLAGS, argv), "2024-12-31")
          : script === "cost"
            ? () => decodeArgs(COST_FLAGS, argv)
            : script === "aws:monitor"
              ? () => monitorTarget(decodeArgs(MONITOR_FLAGS, argv))
              : script === "aws:redrive"
                ? () => decodeArgs(REDRIVE_FLAGS, argv)
                : () => decodeArgs(STAGE_FLAGS, argv)
      expect(decode, command).not.toThrow()
    }
    expect([...new Set(scripts.map((c) => words(c, false)[2]))].sort()).toEqual(["aws:backfill", "aws:monitor", "aws:redrive", "aws:start", "aws:stop", "cost"])
    // A setting a command is shown with is one the program reads (the stop's is tested in
    // scripts/stop.test.ts; tracing's are read here, as the README's line gives them).
    const tracingLine = README.split("\n").find((line) => line.startsWith("OTEL_EXPORTER_OTLP_ENDPOINT=")) ?? ""
    const tracingEnv = Object.fromEntries(
      tracingLine
        .split(" ")
        .filter((w) => w.includes("="))
        .map((w) => w.split("=") as [string, string])
    )
    expect([...readmeSettings].sort()).toEqual([LIFT_PROTECTION, ...Object.keys(tracingEnv)].sort())
    const tracing = Effect.runSync(readTracingSettings(ConfigProvider.fromEnv({ env: tracingEnv }), { serviceName: "blockchaincore" }))
    expect(tracing).toMatchObject({ tracesUrl: "http://127.0.0.1:4318/v1/traces", sampler: "parentbased_traceidratio", ratio: 0.01 })
    // The inline `-- --from-local URL` of the cost script.
    expect(decodeArgs(COST_FLAGS, ["--from-local", "http://127.0.0.1:8787"]).fromLocal).toEqual(Option.some("http://127.0.0.1:8787"))
  })

  it("npx blockchaincore candles prints the two klines the README shows", async () => {
    // The example shown with its output, after a `$ ` prompt.
    const command = (/^\$ (npx blockchaincore candles [^\n]+)$/m.exec(README) ?? [])[1] ?? find("npx blockchaincore candles --input packages/")
    const shown = README.split(`$ ${command}\n`)[1]!.split("\n").slice(0, 2)
    const ran = await runToEnd(words(command, false))
    expect(ran.code, ran.stderr).toBe(0)
    expect(ran.stdout.split("\n").slice(0, 2)).toEqual(shown)
  })

  it("npm run build builds the dashboard", async () => {
    const ran = await runToEnd(words(find("npm run build"), false))
    expect(ran.code, ran.stderr).toBe(0)
    expect(existsSync(join(ROOT, "packages/web/dist/index.html"))).toBe(true)
  })

  describe("against the README's own replay server", () => {
    let replay: Awaited<ReturnType<typeof startLong>>
    let ws: string
    let rest: string

    it("npx blockchaincore replay-server serves the recording on loopback", async () => {
      const command = find("npx blockchaincore replay-server ")
      const recording = join(ROOT, find("npm start -- --replay ").split(" ")[4]!)
      replay = await startLong(
        filled(words(command, false), { "--input": recording, "--port": "0" }),
        /ws:\/\/127\.0\.0\.1:(\d+)  \(REST: (http:\/\/127\.0\.0\.1:\d+)\)/
      )
      ws = `ws://127.0.0.1:${replay.match[1]}`
      rest = replay.match[2]!
      expect(replay.output()).toMatch(/replaying 34419 frames/)
    })

    it("npx blockchaincore record writes the stream to a file for --seconds", async () => {
      const out = join(scratch("record"), "trades.ndjson.gz")
      const ran = await runToEnd(filled(words(find("npx blockchaincore record "), true), { "--out": out, "--ws-url": ws, "--seconds": "2" }))
      expect(ran.code, ran.stderr).toBe(0)
      expect(statSync(out).size).toBeGreaterThan(0)
    })

    it("npx blockchaincore produce publishes the stream until Ctrl-C", async () => {
      const argv = filled(words(find("npx blockchaincore produce "), true), {
        "--ws-url": ws,
        "--rest-url": rest,
        "--journal-dir": scratch("journal"),
        "--shards": "2"
      })
      const producing = await startLong(argv, /producing 2 symbols from ws:\/\/127\.0\.0\.1/)
      const ran = await producing.stop()
      expect([0, 130], ran.stderr).toContain(ran.code)
    })

    it("npm start -- --symbols ... --data-dir ... --port ... serves every symbol asked for", async () => {
      const dataDir = scratch("start-symbols")
      const argv = [...filled(asCli(find("npm start -- --symbols ")), { "--data-dir": dataDir, "--port": "0" }), "--ws-url", ws, "--rest-url", rest]
      const started = await startLong(argv, /http:\/\/127\.0\.0\.1:(\d+)\/api\/v3\/klines\?symbol=BTCUSDT/)
      try {
        const health = `http://127.0.0.1:${started.match[1]}/health`
        await waitFor("three symbols in /health", async () => JSON.stringify(await getJson(health)).includes("SOLUSDT"))
        expect(existsSync(join(dataDir, "candles.sqlite"))).toBe(true)
      } finally {
        expect([0, 130]).toContain((await started.stop()).code)
      }
    })

    afterAll(async () => {
      await replay?.stop()
    })
  })

  it("npm start -- --replay ... replays the recording into candles, and npm run cost -- --from-local takes its rates", async () => {
    const dataDir = scratch("start-replay")
    const started = await startLong(
      [...asCli(find("npm start -- --replay ")), "--data-dir", dataDir, "--port", "0"],
      /http:\/\/127\.0\.0\.1:(\d+)\/api\/v3\/klines\?symbol=(BTCUSDT|ETHUSDT)/
    )
    const base = `http://127.0.0.1:${started.match[1]}`
    try {
      await waitFor("BTCUSDT's klines", async () => {
        const rows = await getJson(`${base}/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=0`)
        return Array.isArray(rows) && rows.length >= 5
      })
      const cost = await runToEnd(["npm", "run", "cost", "--", "--from-local", base, "--minutes", "2"])
      expect(cost.code, cost.stderr).toBe(0)
      expect(cost.stderr).toMatch(new RegExp(`measured by the local runtime at ${base}: 2 symbols at \\d+ trades/s each`))
      expect(cost.stdout).toMatch(/Total\s+\$\s*\d+\.\d\d/)
    } finally {
      expect([0, 130]).toContain((await started.stop()).code)
    }
  })

  describe("backfill and SQL over what it loaded", () => {
    let archive: PublicArchiveServer
    const dataDir = scratch("backfill")
    const JAN_15 = Date.UTC(2024, 0, 15, 10)
    const trades = (price: bigint) =>
      Array.from(
        { length: 3 },
        (_, i) => `${1000 + i},${formatUnits(price + BigInt(i) * 1_000_000n, PRICE_SCALE, 8)},0.50000000,1.00000000,${JAN_15 + i * 1000},True,True`
      ).join("\n")

    it("npx blockchaincore backfill loads the period the README asks for from the archive", async () => {
      archive = await startPublicArchive(
        new Map([
          ["data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2024-01-15.zip", trades(4_250_000_000_000n)],
          ["data/spot/daily/trades/ETHUSDT/ETHUSDT-trades-2024-01-15.zip", trades(250_000_000_000n)]
        ])
      )
      const argv = filled(words(find("npx blockchaincore backfill "), true), { "--data-dir": dataDir, "--archive-url": archive.url, "--tries": "2" })
      const ran = await runToEnd(argv)
      expect(ran.code, ran.stderr).toBe(0)
      expect(ran.stdout).toContain("backfill asked for trades of BTCUSDT,ETHUSDT from 2024-01-15 to 2024-01-15: loaded 2 file(s) now, 0 before")
    })

    it("npx blockchaincore query answers SQL over the trades it archived", async () => {
      const argv = filled(words(find("npx blockchaincore query "), true), { "--data-dir": dataDir, "--format": "csv" })
      const ran = await runToEnd(argv)
      expect(ran.code, ran.stderr).toBe(0)
      expect(ran.stdout.trim().split("\n").slice(1).sort()).toEqual(["BTCUSDT,10,3", "ETHUSDT,10,3"])
    })

    afterAll(async () => {
      await archive?.close()
    })
  })
})
