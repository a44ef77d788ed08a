/** The deploy configuration, decoded from the environment of `sst deploy` as CI passes it. */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { deployConfig, tracingEnvironment } from "../config.ts"

describe("deploy configuration", () => {
  it('takes unset and empty variables as the defaults (CI passes unset repository variables as "")', () => {
    const defaults = {
      symbols: ["BTCUSDT", "ETHUSDT"],
      apiConcurrency: undefined,
      producerCapacity: "on-demand",
      anomalyConfig: undefined,
      tracing: undefined,
      alertChannels: { email: false, sms: false }
    }
    expect(deployConfig({})).toEqual(defaults)
    expect(deployConfig({ BLOCKCHAINCORE_SYMBOLS: "", BLOCKCHAINCORE_API_CONCURRENCY: "", BLOCKCHAINCORE_PRODUCER_CAPACITY: " " })).toEqual(defaults)
  })

  it("decodes what is set", () => {
    expect(deployConfig({ BLOCKCHAINCORE_SYMBOLS: "solusdt, btcusdt", BLOCKCHAINCORE_API_CONCURRENCY: "5", BLOCKCHAINCORE_PRODUCER_CAPACITY: "spot" })).toEqual(
      {
        symbols: ["SOLUSDT", "BTCUSDT"],
        apiConcurrency: 5,
        producerCapacity: "spot",
        anomalyConfig: undefined,
        tracing: undefined,
        alertChannels: { email: false, sms: false }
      }
    )
  })

  it("subscribes an alert channel whose secret is set (SST hands it over as SST_SECRET_<name>), refusing a malformed one by name", () => {
    expect(deployConfig({ SST_SECRET_AlertEmail: "ops@example.com", SST_SECRET_AlertSms: "none" }).alertChannels).toEqual({ email: true, sms: false })
    expect(deployConfig({ SST_SECRET_AlertSms: "+15550100" }).alertChannels).toEqual({ email: false, sms: true })
    expect(() => deployConfig({ SST_SECRET_AlertEmail: "ops at example" })).toThrow(/secret AlertEmail.*e-mail address/s)
    expect(() => deployConfig({ SST_SECRET_AlertSms: "555-0100" })).toThrow(/secret AlertSms.*E\.164/s)
  })

  it("turns tracing on with an OTLP endpoint, a batch in a hundred unless told, and gives the functions OpenTelemetry's variables", () => {
    const on = deployConfig({ BLOCKCHAINCORE_OTLP_ENDPOINT: "https://collector.example.com:4318" })
    expect(on.tracing).toEqual({ endpoint: "https://collector.example.com:4318", sample: 0.01 })
    const xray = () => "https://xray.ap-northeast-1.amazonaws.com/v1/traces"
    expect(tracingEnvironment(on, xray)).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example.com:4318",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.01"
    })
    // CloudWatch's own endpoint in the stage's region: the signal's URL, used as given.
    expect(tracingEnvironment(deployConfig({ BLOCKCHAINCORE_OTLP_ENDPOINT: "xray" }), xray)).toEqual({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: xray(),
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.01"
    })
    expect(deployConfig({ BLOCKCHAINCORE_OTLP_ENDPOINT: "http://10.0.0.5:4318", BLOCKCHAINCORE_TRACES_SAMPLE: "1" }).tracing?.sample).toBe(1)
    expect(tracingEnvironment(deployConfig({}), xray)).toEqual({})
    expect(() => deployConfig({ BLOCKCHAINCORE_OTLP_ENDPOINT: "collector:4317" })).toThrow(/BLOCKCHAINCORE_OTLP_ENDPOINT/)
    expect(() => deployConfig({ BLOCKCHAINCORE_OTLP_ENDPOINT: "http://c:4318", BLOCKCHAINCORE_TRACES_SAMPLE: "5%" })).toThrow(/BLOCKCHAINCORE_TRACES_SAMPLE/)
  })

  it("fails the deploy naming the variable that is wrong", () => {
    expect(() => deployConfig({ BLOCKCHAINCORE_SYMBOLS: "btc usdt" })).toThrow(/BLOCKCHAINCORE_SYMBOLS/)
    expect(() => deployConfig({ BLOCKCHAINCORE_API_CONCURRENCY: "lots" })).toThrow(/BLOCKCHAINCORE_API_CONCURRENCY/)
    expect(() => deployConfig({ BLOCKCHAINCORE_API_CONCURRENCY: "0" })).toThrow(/BLOCKCHAINCORE_API_CONCURRENCY/)
    expect(() => deployConfig({ BLOCKCHAINCORE_PRODUCER_CAPACITY: "cheap" })).toThrow(/BLOCKCHAINCORE_PRODUCER_CAPACITY/)
  })

  it("reads the anomaly settings file, and fails the deploy naming the path and the field when it is not settings", () => {
    const dir = mkdtempSync(join(tmpdir(), "deploy-config-"))
    const file = join(dir, "anomaly.json")
    writeFileSync(file, JSON.stringify({ overrides: [{ symbol: "SOLUSDT", settings: { volumeSpikeRatio: 5 } }] }))
    expect(deployConfig({ BLOCKCHAINCORE_ANOMALY_CONFIG: file }).anomalyConfig).toEqual({
      overrides: [{ symbol: "SOLUSDT", settings: { volumeSpikeRatio: 5 } }]
    })
    writeFileSync(file, JSON.stringify({ overrides: [{ interval: "2m", settings: {} }] }))
    expect(() => deployConfig({ BLOCKCHAINCORE_ANOMALY_CONFIG: file })).toThrow(
      new RegExp(`BLOCKCHAINCORE_ANOMALY_CONFIG: ${file}: Expected "1m" \\| [^]*\\["interval"\\]`)
    )
    expect(() => deployConfig({ BLOCKCHAINCORE_ANOMALY_CONFIG: join(dir, "missing.json") })).toThrow(
      /BLOCKCHAINCORE_ANOMALY_CONFIG: cannot read .*missing\.json/
    )
    const many = { overrides: Array.from({ length: 100 }, (_, i) => ({ symbol: `COIN${i}USDT`, settings: { priceMovementPct: 7 } })) }
    writeFileSync(file, JSON.stringify(many))
    expect(() => deployConfig({ BLOCKCHAINCORE_ANOMALY_CONFIG: file })).toThrow(/more than the 3500 a function's environment can hold/)
  })
})
