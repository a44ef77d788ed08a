import { globSync } from "node:fs"
import { defineConfig } from "vitest/config"
import { type Tier, tierOf } from "./scripts/testTiers.ts"

const root = import.meta.dirname
const files = ["packages/*/test/**/*.test.ts", "scripts/**/*.test.ts", "stacks/test/**/*.test.ts"].flatMap((pattern) => globSync(pattern, { cwd: root }))
const tier = (name: Tier) => ({ extends: true, test: { name, include: files.filter((f) => tierOf(f, root) === name) } })

export default defineConfig({
  test: {
    // The reference and property tests chew through real recordings; give them room on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // `npm test` runs every tier; `npm run test:unit` the first (scripts/testTiers.ts says which is which).
    projects: [tier("unit"), tier("integration"), tier("e2e")]
  }
})
