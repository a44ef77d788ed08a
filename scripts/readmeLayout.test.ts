/** The README's "Where things are", checked against the tree: every package and source folder named, none that does not exist. */
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { README, ROOT } from "@blockchaincore/testkit/readme"

describe("the README's \"Where things are\"", () => {
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
  const directories = (dir: string) => readdirSync(join(ROOT, dir)).filter((n) => !n.startsWith(".") && n !== "node_modules" && n !== "dist" && statSync(join(ROOT, dir, n)).isDirectory())

  it("names every package and every top-level source folder", () => {
    expect([...described.keys()].filter((k) => k.startsWith("packages/")).sort()).toEqual(directories("packages").map((p) => `packages/${p}`).sort())
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
