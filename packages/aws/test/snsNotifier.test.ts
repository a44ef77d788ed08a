/**
 * The SNS adapter's requests, checked at the SDK's wire (no SNS can run here): a loopback
 * endpoint answers the real SDK's Publish (query protocol) and throttles on command.
 */
import { SNSClient } from "@aws-sdk/client-sns"
import { Effect } from "effect"
import { describe, expect, it } from "@effect/vitest"
import { makeSnsNotifier, snsSubject } from "../src/sns/SnsNotifier.ts"
import { scopedStandIn } from "@blockchaincore/testkit/scopedStandIn"
import { startWireFake, TEST_CREDENTIALS, type WireAnswer } from "@blockchaincore/testkit/wireFake"

const xml = (body: string, status = 200): WireAnswer => ({ status, contentType: "text/xml", body })
const PUBLISHED = `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`
const THROTTLED = `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>`

const fakeSns = Effect.fn(function* (throttledRequests: number) {
  const fake = yield* scopedStandIn(() => startWireFake((_, i) => (i <= throttledRequests ? xml(THROTTLED, 400) : xml(PUBLISHED))))
  const client = new SNSClient({ endpoint: fake.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 })
  return {
    notifier: makeSnsNotifier({ client, topicArn: "arn:aws:sns:us-east-1:000000000000:alerts", maxAttempts: 3, baseDelayMillis: 5 }),
    requests: fake.requests
  }
})

describe("SnsNotifier", () => {
  it.live("publishes to the topic with an SNS-safe subject and the severity as an attribute", () =>
    Effect.gen(function* () {
      const { notifier, requests } = yield* fakeSns(0)
      yield* notifier.notify({ subject: "⚠ BTCUSDT 1m price_movement firing", body: "close 73000.00000000", severity: "high" })
      expect(requests).toHaveLength(1)
      const params = new URLSearchParams(requests[0]!.body)
      expect(params.get("Action")).toBe("Publish")
      expect(params.get("TopicArn")).toBe("arn:aws:sns:us-east-1:000000000000:alerts")
      expect(params.get("Subject")).toBe("BTCUSDT 1m price_movement firing")
      expect(params.get("Message")).toContain("close 73000.00000000")
      expect(params.get("MessageAttributes.entry.1.Name")).toBe("severity")
      expect(params.get("MessageAttributes.entry.1.Value.StringValue")).toBe("high")
    })
  )

  it.live("retries throttling, and reports failure after its attempts", () =>
    Effect.gen(function* () {
      const recovers = yield* fakeSns(2)
      yield* recovers.notifier.notify({ subject: "s", body: "b", severity: "medium" })
      expect(recovers.requests).toHaveLength(3)
      const stays = yield* fakeSns(99)
      const error = yield* Effect.flip(stays.notifier.notify({ subject: "s", body: "b", severity: "medium" }))
      expect(error).toMatchObject({ _tag: "NotifyFailed", channel: "sns" })
      expect(error.message).toMatch(/after 3 attempts/)
    })
  )

  it("cuts subjects to SNS's 100 printable characters", () => {
    expect(snsSubject("✓ ".repeat(3) + "a".repeat(200))).toHaveLength(100)
    expect(snsSubject("⚠")).toBe("BlockchainCore alert")
  })
})
