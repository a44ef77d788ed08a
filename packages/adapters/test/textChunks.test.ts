/** Bytes in chunks to text: the same string as decoding the whole as UTF-8, wherever the chunks are cut. */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { textChunks } from "../src/chunks/textChunks.ts"

const decodeInChunks = async (bytes: Buffer, cuts: ReadonlyArray<number>): Promise<string> => {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const chunks = [0, ...points, bytes.length].slice(1).map((end, i, ends) => bytes.subarray(i === 0 ? 0 : ends[i - 1]!, end))
  async function* source() {
    for (const chunk of chunks) yield chunk
  }
  let text = ""
  for await (const part of textChunks(source())) text += part
  return text
}

describe("text from chunks of bytes", () => {
  it("equals the whole decoded as UTF-8, for ASCII and any other text, however it is cut", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ unit: "grapheme-ascii" }), fc.string({ unit: "binary" })), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (parts, cuts) => {
          const bytes = Buffer.from(parts.join("\n"), "utf8")
          expect(await decodeInChunks(bytes, cuts)).toBe(bytes.toString("utf8"))
        }
      ),
      { numRuns: 2_000 }
    )
  })

  it("carries a character cut between an ASCII chunk's neighbours, and replaces bytes that are not UTF-8", async () => {
    const euro = Buffer.from("price € 61,685.99\n", "utf8")
    for (let cut = 0; cut <= euro.length; cut++) expect(await decodeInChunks(euro, [cut])).toBe("price € 61,685.99\n")
    const broken = Buffer.concat([Buffer.from("ok\n"), Buffer.from([0xe2, 0x82]), Buffer.from("\nok\n")])
    for (const cut of [4, 5]) expect(await decodeInChunks(broken, [cut])).toBe(broken.toString("utf8"))
    // An empty chunk between a character's start and the ASCII after it.
    async function* withEmpty() {
      yield Buffer.from([0x61, 0xe2, 0x82])
      yield Buffer.alloc(0)
      yield Buffer.from("b")
    }
    let text = ""
    for await (const part of textChunks(withEmpty())) text += part
    expect(text).toBe(Buffer.from([0x61, 0xe2, 0x82, 0x62]).toString("utf8"))
  })
})
