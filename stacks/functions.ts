/// <reference path="../.sst/platform/config.d.ts" />
/**
 * Settings every function shares: Node 24 (the Lambda runtime the project targets), Graviton,
 * a month of logs. Functions that write Parquet load DuckDB's native binding, which is
 * installed for the deploying machine's architecture, so they run on x86_64 and get the
 * package installed beside the bundle instead of bundled.
 */
export const HANDLERS = "packages/aws/src/handlers"

export const baseFunction = {
  runtime: "nodejs24.x",
  architecture: "arm64",
  memory: "512 MB",
  logging: { retention: "1 month" }
} satisfies Partial<sst.aws.FunctionArgs>

export const withDuckDb = {
  architecture: "x86_64",
  memory: "1024 MB",
  nodejs: { install: ["@duckdb/node-api"] }
} satisfies Partial<sst.aws.FunctionArgs>
