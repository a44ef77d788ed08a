/** The lines of a public-archive zip's entry, however the text falls into chunks; a zip cut short is refused by name. */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Stream } from "effect"
import fc from "fast-check"
import { expect, it } from "vitest"
import { zipLines } from "../src/archive/ZipLines.ts"
import { zipOf } from "@blockchaincore/testkit/archiveStandIn"

const dir = mkdtempSync(join(tmpdir(), "blockchaincore-zip-"))
const linesOf = (path: string) =>
  Effect.runPromise(
    zipLines(path).pipe(
      Stream.runCollect,
      Effect.map((chunks) => [...chunks].flat())
    )
  )

it("reads back every line written, CRLF or LF, with or without a newline at the end", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.stringMatching(/^[0-9a-zA-Z.,]{0,80}$/), { maxLength: 3000 }),
      fc.boolean(),
      fc.boolean(),
      async (lines, crlf, lastNewline) => {
        const path = join(dir, "entry.zip")
        const text = lines.join(crlf ? "\r\n" : "\n") + (lastNewline && lines.length > 0 ? "\n" : "")
        writeFileSync(path, zipOf("entry.csv", text))
        // A newline ends a line: text ending in one has no empty line after it.
        const expected = text.split(/\r?\n/)
        if (expected.at(-1) === "") expected.pop()
        expect(await linesOf(path)).toEqual(expected)
      }
    ),
    { numRuns: 40 }
  )
})

it("refuses a zip cut short, and a file that is no zip", async () => {
  const whole = zipOf("entry.csv", "1,2,3\n".repeat(1000))
  writeFileSync(join(dir, "cut.zip"), whole.subarray(0, whole.length - 30))
  await expect(linesOf(join(dir, "cut.zip"))).rejects.toThrow(/end of central directory/)
  writeFileSync(join(dir, "html.zip"), "<html>Not Found</html>")
  await expect(linesOf(join(dir, "html.zip"))).rejects.toThrow(/not a zip/)
})
