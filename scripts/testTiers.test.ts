/** The test tiers (scripts/testTiers.ts): each file sorted by what it reaches, and `npm run test:unit` runs the first. */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { tierOf } from "./testTiers.ts"

const root = join(import.meta.dirname, "..")

describe("test tiers", () => {
  it("sorts a test by what it reaches, its helpers included", () => {
    expect(tierOf("packages/core/test/candleEngine.test.ts", root)).toBe("unit")
    // A socket of its own, through its harness (test/support/producerHarness.ts).
    expect(tierOf("packages/local/test/producerFaults.test.ts", root)).toBe("integration")
    expect(tierOf("packages/aws/test/awsPath.test.ts", root)).toBe("integration")
    // The CLI as a user runs it; the SST program.
    expect(tierOf("packages/local/test/cliPathFuzz.test.ts", root)).toBe("e2e")
    expect(tierOf("stacks/test/infrastructure.test.ts", root)).toBe("e2e")
  })

  it("npm run test:unit runs the unit tier, npm test all of them", () => {
    const scripts: Record<string, string> = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts
    expect(scripts["test:unit"]).toBe("vitest run --project unit")
    expect(scripts["test"]).toMatch(/vitest run$/)
  })

  it("npm test checks the formatting that npm run format writes", () => {
    const scripts: Record<string, string> = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts
    expect(scripts["test"]).toContain("biome format . &&")
    expect(scripts["format"]).toBe("biome format --write .")
  })
})
