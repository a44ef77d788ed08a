/** `blockchaincore query "SQL"`: SQL over the local archive (`--data-dir`, `--format`). */
import { Console, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { readableDirectory } from "../paths/PathChecks.ts"

export const queryCommand = Command.make(
  "query",
  {
    sql: Argument.String("sql").pipe(Argument.withDescription("SQL over the tables `trades` and `candles`")),
    dataDir: Flag.String("data-dir").pipe(Flag.withDefault("./data"), Flag.withDescription(`The local runtime's data directory (default ./data)`)),
    format: Flag.Literals("format", ["table", "csv", "json"]).pipe(
      Flag.withDefault("table"),
      Flag.withDescription("How the rows are printed: table, csv or json (default table)")
    )
  },
  Effect.fn("query")(function* ({ sql, dataDir, format }) {
    // DuckDB is loaded when a query runs, not with the CLI (every other command would carry it).
    yield* readableDirectory("--data-dir", dataDir, "name the folder `blockchaincore start` or `backfill` was given (./data by default)")
    const { formatCsv, formatJson, formatTable, queryArchive } = yield* Effect.promise(() => import("../duckdb/ArchiveQuery.ts"))
    const result = yield* queryArchive(dataDir, sql)
    yield* Console.log(format === "csv" ? formatCsv(result) : format === "json" ? formatJson(result) : formatTable(result))
  })
).pipe(
  Command.withExamples([
    { command: 'blockchaincore query "SELECT symbol, count(*) AS trades FROM trades GROUP BY ALL" --format csv', description: "Trades archived per symbol" }
  ]),
  Command.withDescription("Query the local archive and candles with SQL (DuckDB; the Athena tables' names)")
)
