import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "scripts/**/*.test.ts", "stacks/test/**/*.test.ts"],
    // The reference and property tests chew through real recordings; give them room on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
