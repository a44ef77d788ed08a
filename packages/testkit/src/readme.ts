/**
 * The README as a test reads it: its shell commands and code blocks, exactly as written, so that
 * what it tells a user to type or paste is what the tests run.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"

export const ROOT = resolve(import.meta.dirname, "../../..")
export const README = readFileSync(join(ROOT, "README.md"), "utf8")

/** Every fenced block: its language and its text. */
export const codeBlocks = (): ReadonlyArray<{ readonly lang: string; readonly text: string }> =>
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
