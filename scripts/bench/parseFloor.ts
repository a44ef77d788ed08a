/**
 * `node scripts/bench/parseFloor.ts FILE`: the floor for any candle computation on a gzipped
 * recording in Node: gunzip it and `JSON.parse` every line, nothing else. Prints the lines read.
 */
import { createReadStream } from "node:fs"
import { createGunzip } from "node:zlib"

let lines = 0
let rest = ""
for await (const chunk of createReadStream(process.argv[2] ?? "")
  .pipe(createGunzip())
  .setEncoding("utf8")) {
  const parts = (rest + String(chunk)).split("\n")
  rest = parts.pop() ?? ""
  for (const line of parts) if (line.length > 0 && JSON.parse(line) !== undefined) lines++
}
if (rest.length > 0 && JSON.parse(rest) !== undefined) lines++
process.stdout.write(`${lines}\n`)
