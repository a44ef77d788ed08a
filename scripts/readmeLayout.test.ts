/**
 * The README and docs/ checked against the tree and against a newcomer: "Where things are"
 * (docs/architecture.md) names every package and source folder and none that does not exist; the
 * README is short, its links resolve, and its commands paste.
 */
import { existsSync, readdirSync, statSync } from "node:fs"
import { dirname, join } from "node:path"
import { describe, expect, it } from "vitest"
import { DOCS, README, README_ONLY, readmeCommands, ROOT } from "@blockchaincore/testkit/readme"

describe('the README\'s "Where things are"', () => {
  const section = README.split("## Where things are")[1]!.split("\n```\n")[1]!
  /** Each package or top-level folder the section describes, with the sub-folders it names (`name/`). */
  const described = new Map<string, Array<string>>()
  let current: string | undefined
  for (const line of section.split("\n")) {
    const head = /^(packages\/\w+|scripts\/|stacks\/)\s+(.*)$/.exec(line)
    if (head !== null) {
      current = head[1]!.replace(/\/$/, "")
      described.set(current, [])
    }
    const text = head === null ? line : head[2]!
    if (current !== undefined) for (const m of text.matchAll(/(?<![\w./-])([a-z][\w-]*)\/(?=[\s,.);:]|$)/g)) described.get(current)!.push(m[1]!)
  }
  const directories = (dir: string) =>
    readdirSync(join(ROOT, dir)).filter((n) => !n.startsWith(".") && n !== "node_modules" && n !== "dist" && statSync(join(ROOT, dir, n)).isDirectory())

  it("names every package and every top-level source folder", () => {
    expect([...described.keys()].filter((k) => k.startsWith("packages/")).sort()).toEqual(
      directories("packages")
        .map((p) => `packages/${p}`)
        .sort()
    )
    expect(described.has("scripts") && described.has("stacks")).toBe(true)
  })

  it("names only folders that exist, and every source folder of each package", () => {
    const problems: Array<string> = []
    for (const [where, names] of described) {
      const src = where.startsWith("packages/") ? join(where, "src") : where
      const present = existsSync(join(ROOT, src)) ? directories(src) : []
      const extra = where.startsWith("packages/") ? directories(where) : []
      problems.push(...names.filter((n) => ![...present, ...extra].includes(n)).map((n) => `${where}: ${n}/ does not exist`))
      problems.push(...present.filter((f) => !names.includes(f)).map((f) => `${where}: ${f}/ is not described`))
    }
    expect(problems).toEqual([])
  })
})

describe("the README and docs/, as a newcomer reads them", () => {
  it("the README fits on a screen or two, and everything it links to is there", () => {
    expect(README_ONLY.split("\n").length).toBeLessThanOrEqual(250)
    const pages: ReadonlyArray<readonly [string, string]> = [["README.md", README_ONLY], ...[...DOCS].map(([f, text]) => [`docs/${f}`, text] as const)]
    const broken = pages.flatMap(([page, text]) =>
      [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((target) => !/^https?:/.test(target))
        .filter((target) => !existsSync(join(ROOT, dirname(page), target)))
        .map((target) => `${page} → ${target}`)
    )
    expect(broken).toEqual([])
  })

  it("points nowhere a clone does not have, tells no history, and every command pastes as written", () => {
    for (const [page, text] of [["README.md", README_ONLY], ...DOCS] as const) {
      expect(text, page).not.toMatch(/\.\.\/shared|before this round|this round|than before|the last bench/)
    }
    // Optional flags are on lines of their own or in comments, never in brackets a shell would take as a pattern or a pipe.
    expect(readmeCommands().filter((c) => /\[--|\|\w+\]/.test(c))).toEqual([])
    expect(DOCS.get("benchmarks.md") ?? "").toMatch(/^# Benchmarks\n\nWritten by `npm run bench`/)
  })
})
