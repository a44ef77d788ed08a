/**
 * Text arriving in chunks to its lines, a chunk's lines at a time (a consumer handles them in one
 * loop instead of paying for a stream element per line). A line split across chunks is joined,
 * a trailing `\r` dropped, and a last line without a newline still yielded.
 */
export async function* lineChunks(chunks: AsyncIterable<unknown>): AsyncGenerator<ReadonlyArray<string>> {
  let rest = ""
  for await (const chunk of chunks) {
    const parts = (rest + String(chunk)).split("\n")
    rest = parts.pop() ?? ""
    yield parts.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line))
  }
  if (rest.length > 0) yield [rest]
}
