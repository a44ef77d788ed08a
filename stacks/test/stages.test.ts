/** A stage's app settings as `sst.config.ts` gives them to SST, with and without prod's protection lifted. */
import { describe, expect, it, vi } from "vitest"
import { appSettings } from "./offline/offlineApp.ts"
import { LIFT_PROTECTION } from "../stages.ts"

describe("stages", () => {
  it("stages: prod's protection is lifted for one command by naming it in BLOCKCHAINCORE_LIFT_PROTECTION, as sst.config.ts reads it; what it retains stays retained", async () => {
    vi.stubEnv(LIFT_PROTECTION, "prod")
    try {
      expect(await appSettings("prod")).toMatchObject({ protect: false, removal: "retain" })
      expect(await appSettings("dev")).toMatchObject({ protect: false, removal: "remove" })
      vi.stubEnv(LIFT_PROTECTION, "yes")
      expect(await appSettings("prod")).toMatchObject({ protect: true, removal: "retain" })
    } finally {
      vi.unstubAllEnvs()
    }
  })
})
