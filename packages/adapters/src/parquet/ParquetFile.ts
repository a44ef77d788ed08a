/**
 * Writes rows as one Parquet file, with DuckDB: rows go in as CSV with declared column types, so
 * decimals stay text until DuckDB parses them as exact DECIMALs. The file is written under a
 * temporary name and renamed, so a reader never sees half of one. Used by the local archive
 * (the file is the archive) and the S3 archive (the file is uploaded, then deleted).
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { dirname } from "node:path"
import type { DuckDBInstance } from "@duckdb/node-api"
import { csvColumnTypes } from "../formats/ArchiveLayout.ts"

export type Row = string | ReadonlyArray<string | number | boolean>

const csv = (rows: ReadonlyArray<Row>) => rows.map((r) => (typeof r === "string" ? r : r.join(","))).join("\n")

/**
 * `select` (over the CSV's `columns`) makes the file's columns; all of the CSV's by default. With
 * `mergeOn`, the rows are added to what the file already holds, each value of that column once:
 * a new row replaces the file's row of the same value (a re-uploaded archive's trade, say).
 */
export const writeParquetFile = async (
  duck: DuckDBInstance,
  file: string,
  columns: string,
  rows: ReadonlyArray<Row>,
  select = "*",
  mergeOn?: string
): Promise<void> => {
  mkdirSync(dirname(file), { recursive: true })
  const source = `${file}.csv`
  const temporary = `${file}.tmp`
  writeFileSync(source, csv(rows))
  const connection = await duck.connect()
  try {
    const fresh = `SELECT ${select} FROM read_csv('${source}', header = false, columns = {${csvColumnTypes(columns)}})`
    const query =
      mergeOn !== undefined && existsSync(file)
        ? `SELECT * EXCLUDE (merge_source) FROM (SELECT *, 0 AS merge_source FROM (${fresh}) UNION ALL SELECT *, 1 AS merge_source FROM read_parquet('${file}', hive_partitioning = false)) QUALIFY row_number() OVER (PARTITION BY ${mergeOn} ORDER BY merge_source) = 1 ORDER BY ${mergeOn}`
        : fresh
    await connection.run(`COPY (${query}) TO '${temporary}' (FORMAT parquet)`)
  } finally {
    connection.closeSync()
    rmSync(source, { force: true })
  }
  renameSync(temporary, file)
}
