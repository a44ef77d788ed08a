/**
 * What every notifier does (the terminal's log, SNS): a person gets the whole subject and body,
 * whatever characters they hold, and can tell an alert from a notice.
 */
import { describe, expect, it } from "vitest"
import type { Notification, Notifier } from "@blockchaincore/core/ports/Notifier"
import { type Fresh, run, withFresh } from "./freshStore.ts"

export interface NotifierUnderTest {
  readonly notifier: Notifier["Service"]
  /** What reached a person so far (SNS promises no order): the text they read, and whether it came as an alert. */
  readonly received: () => Promise<ReadonlyArray<{ readonly text: string; readonly urgent: boolean }>>
}

const ALERT: Notification = {
  // Longer than SNS's 100-character subject, and not ASCII: a channel may shorten its subject line, never the message.
  subject: `BTCUSDT 1m price_movement ↑ 12.5 % — ${"the candle closed far above the last one, ".repeat(3)}`,
  body: "close 61,685.99 (was 54,831.00)\nvolume 1,234.56789012 BTC\n\tsee the dashboard: 日本語 ✓",
  severity: "high"
}
const NOTICE: Notification = { subject: "BTCUSDT 1m price_movement resolved", body: "back within 5 %", severity: "info" }

export const notifierContract = (adapter: string, fresh: () => Promise<Fresh<NotifierUnderTest>>) =>
  describe(`the notifier contract: ${adapter}`, () => {
    it(
      "delivers each notification once, its whole subject and body, an alert apart from a notice",
      withFresh(fresh, async ({ notifier, received }) => {
        await run(notifier.notify(ALERT))
        await run(notifier.notify(NOTICE))
        const got = await received()
        expect(got).toHaveLength(2)
        for (const sent of [ALERT, NOTICE]) {
          const note = got.find((g) => g.text.includes(sent.body))
          expect(note?.text).toContain(sent.subject)
          expect(note?.urgent).toBe(sent.severity !== "info")
        }
      })
    )

    it(
      "names its channel, as AlertSent reports it",
      withFresh(fresh, async ({ notifier }) => {
        expect(notifier.channel).toMatch(/^[a-z]+$/)
      })
    )
  })
