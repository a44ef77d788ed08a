/**
 * Text arriving in chunks to its lines, a chunk's lines at a time (a consumer handles them in one
 * loop instead of paying for a stream element per line). A line split across chunks is joined,
 * a trailing `\r` dropped, and a last line without a newline still yielded.
 */

/**
 * The longest line read: a trade frame or an archive row is a few hundred characters, so a longer
 * one means the file is not a trade file, and is refused before it is held whole in memory.
 */
export const LONGEST_LINE = 1024 * 1024

export async function* lineChunks(chunks: AsyncIterable<unknown>): AsyncGenerator<ReadonlyArray<string>> {
  let rest = ""
  let lines = 0
  for await (const chunk of chunks) {
    const parts = (rest + String(chunk)).split("\n")
    rest = parts.pop() ?? ""
    lines += parts.length
    if (rest.length > LONGEST_LINE) throw new Error(`line ${lines + 1} is longer than ${LONGEST_LINE} characters: not a file of trades`)
    yield parts.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line))
  }
  if (rest.length > 0) yield [rest]
}
