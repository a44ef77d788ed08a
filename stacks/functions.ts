/// <reference path="../.sst/platform/config.d.ts" />
/**
 * Settings every function shares: Node 24 (the Lambda runtime the project targets), Graviton,
 * a month of logs in JSON, without Lambda's per-invocation START/END/REPORT lines (system log
 * level WARN): at a million invocations a month those lines alone cost more than the functions'
 * compute, and durations are in CloudWatch's metrics anyway. Functions that write Parquet load DuckDB's native binding, which is
 * installed for the deploying machine's architecture, so they run on x86_64 and get the
 * package installed beside the bundle instead of bundled.
 */
export const HANDLERS = "packages/aws/src/handlers"

export const baseFunction = {
  runtime: "nodejs24.x",
  architecture: "arm64",
  memory: "512 MB",
  logging: { retention: "1 month", format: "json" },
  transform: {
    function: (args: aws.lambda.FunctionArgs) => {
      args.loggingConfig = $output(args.loggingConfig).apply((c) => ({ logFormat: "JSON", ...c, systemLogLevel: "WARN", applicationLogLevel: "INFO" }))
    }
  }
} satisfies Partial<sst.aws.FunctionArgs>

export const withDuckDb = {
  architecture: "x86_64",
  memory: "1024 MB",
  nodejs: { install: ["@duckdb/node-api"] }
} satisfies Partial<sst.aws.FunctionArgs>
