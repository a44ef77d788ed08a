/// <reference path="./.sst/platform/config.d.ts" />

/**
 * The AWS app. Personal and dev stages can be removed whole; `prod` is protected from
 * `sst remove` and keeps its data stores if a resource is ever replaced or deleted.
 * The stacks (stacks/, one module per concern) are imported inside run(): SST does not allow
 * imports at the top of this file.
 */
export default $config({
  app(input) {
    const prod = input?.stage === "prod"
    return {
      name: "blockchaincore",
      home: "aws",
      protect: prod,
      removal: prod ? "retain" : "remove"
    }
  },
  async run() {
    // The stacks arrive with the AWS issue (#5); until then the app deploys nothing.
    return {}
  }
})
