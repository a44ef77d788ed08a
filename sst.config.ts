/// <reference path="./.sst/platform/config.d.ts" />

/**
 * The AWS app. Personal and dev stages can be removed whole; `prod` is protected from
 * `sst remove` (unless BLOCKCHAINCORE_LIFT_PROTECTION=prod is set for that one command:
 * stacks/stages.ts) and keeps its data stores if a resource is ever replaced or deleted. The region is
 * Tokyo: Binance's matching engine runs there, and its API refuses some other regions.
 * The stacks (stacks/, one module per concern) are imported inside run(): SST does not allow
 * imports at the top of this file.
 */
export default $config({
  async app(input) {
    const { stageSettings } = await import("./stacks/stages.ts")
    const { protect, removal } = stageSettings(input.stage, process.env)
    return {
      name: "blockchaincore",
      home: "aws",
      protect,
      removal,
      providers: { aws: { region: "ap-northeast-1" } }
    }
  },
  async run() {
    const { app } = await import("./stacks/index.ts")
    const { deployConfig } = await import("./stacks/config.ts")
    const { REGISTRY } = await import("@blockchaincore/services/consumers/ConsumerRegistry")
    return app(deployConfig(process.env), REGISTRY)
  }
})
