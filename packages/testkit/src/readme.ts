/**
 * The README, and the docs/ it leads to, as a test reads them: their shell commands and code
 * blocks, exactly as written, so that what they tell a user to type or paste is what the tests run.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"

export const ROOT = resolve(import.meta.dirname, "../../..")
/** The README's own text. */
export const README_ONLY = readFileSync(join(ROOT, "README.md"), "utf8")
/** The pages of docs/, by file name. */
export const DOCS: ReadonlyMap<string, string> = new Map(
  readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => [f, readFileSync(join(ROOT, "docs", f), "utf8")])
)
/** The README followed into docs/: what a user reads, as one text. */
export const README = [README_ONLY, ...DOCS.values()].join("\n")

/** Every fenced block: its language and its text. */
const codeBlocks = (): ReadonlyArray<{ readonly lang: string; readonly text: string }> =>
  [...README.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1] ?? "", text: m[2] ?? "" }))

/** The README's consumer example (the block whose first line names its file), written where its imports resolve; its path. */
export const writeReadmeConsumer = (): string => {
  const block = codeBlocks().find((b) => b.lang === "ts" && b.text.startsWith("// packages/services/src/consumers/hourlyCloses.ts"))
  if (block === undefined) throw new Error("README.md no longer has the hourlyCloses consumer example")
  // Inside the repository (not /tmp), so that its package imports resolve as they would in packages/services.
  const parent = join(ROOT, ".readme-test")
  mkdirSync(parent, { recursive: true })
  const file = join(mkdtempSync(join(parent, "consumer-")), "hourlyCloses.ts")
  writeFileSync(file, block.text)
  return file
}

// ---- the README's commands, as written ----

/** `NAME=value ` before a command: a setting the command is run with. */
export const SETTINGS = /^((?:[A-Z][A-Z0-9_]*=\S+ )+)(?=np[mx] )/
/** The settings the README's commands are run with, by name. */
export const readmeSettings = new Set<string>()

/** Shell lines of the README's code blocks (continuations joined, `$ ` and comments dropped), and its inline commands. */
export const readmeCommands = (): ReadonlyArray<string> => {
  const commands: Array<string> = []
  for (const block of README.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    for (const raw of (block[1] ?? "").split("\n")) {
      const line = raw.replace(/^\$ /, "")
      const settings = SETTINGS.exec(line)?.[1] ?? ""
      for (const s of settings
        .trim()
        .split(" ")
        .filter((s) => s.length > 0))
        readmeSettings.add(s.split("=")[0]!)
      if (/^\s+\[/.test(raw) && commands.length > 0) commands[commands.length - 1] += ` ${raw.trim()}`
      else if (/^np[mx] /.test(line.slice(settings.length)))
        commands.push(
          line
            .slice(settings.length)
            .replace(/\s+#.*$/, "")
            .trim()
        )
    }
  }
  for (const inline of README.matchAll(/`(np[mx] [^`]+)`/g)) commands.push(inline[1]!.replace(/\s+/g, " ").trim())
  return [...new Set(commands)]
}

/** A command's words: quoted text kept whole, optional `[...]` groups kept (`optional`) or dropped, `a|b` choices as their first. */
export const words = (command: string, optional: boolean): Array<string> => {
  const out: Array<string> = []
  let depth = 0
  for (const m of command.replace(/\s*\|\s*head -\d+$/, "").matchAll(/"[^"]*"|\[|\]|[^\s[\]"]+/g)) {
    const w = m[0]
    if (w === "[") depth++
    else if (w === "]") depth--
    else if (depth === 0 || optional) out.push(w.startsWith('"') ? w.slice(1, -1) : w.includes("|") ? w.split("|")[0]! : w)
  }
  return out
}

/** The `--flags` a command names. */
export const flagsOf = (command: string) => words(command, true).filter((w) => /^--[a-z]/.test(w))

/** Placeholders filled: each `--flag VALUE` of `fill` takes the value given there, and a flag of `fill` the command lacks is added. */
export const filled = (argv: ReadonlyArray<string>, fill: Readonly<Record<string, string>>): Array<string> => [
  ...argv.map((w, i) => (i > 0 && argv[i - 1]! in fill ? fill[argv[i - 1]!]! : w)),
  ...Object.entries(fill)
    .filter(([flag]) => !argv.includes(flag))
    .flat()
]
