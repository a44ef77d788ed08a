/**
 * The matcher against the examples of EventBridge's documentation ("Amazon EventBridge event
 * patterns" and "Content filtering"): the same pattern, the same event, the same answer.
 */
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { type EventPattern, EventPatternSchema, matches } from "../src/events/EventPattern.ts"

const ec2Event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: {
    "instance-id": "i-1234567890abcdef0",
    state: "terminated",
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.1",
    nothing: null,
    empty: ""
  }
}

const table: ReadonlyArray<readonly [string, EventPattern, boolean]> = [
  ["exact source", { source: ["aws.ec2"] }, true],
  ["one of several values", { source: ["aws.s3", "aws.ec2"] }, true],
  ["a value not there", { source: ["aws.s3"] }, false],
  ["nested detail", { source: ["aws.ec2"], detail: { state: ["terminated", "stopped"] } }, true],
  ["all fields must match", { source: ["aws.ec2"], detail: { state: ["running"] } }, false],
  ["array in the event: any element", { resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"] }, true],
  ["prefix", { time: [{ prefix: "2017-12-22" }] }, true],
  ["prefix that fails", { time: [{ prefix: "2018" }] }, false],
  ["suffix", { detail: { "instance-id": [{ suffix: "def0" }] } }, true],
  ["equals-ignore-case", { "detail-type": [{ "equals-ignore-case": "ec2 instance state-change notification" }] }, true],
  ["anything-but a value", { detail: { state: [{ "anything-but": "initializing" }] } }, true],
  ["anything-but the value itself", { detail: { state: [{ "anything-but": "terminated" }] } }, false],
  ["anything-but a list", { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } }, true],
  ["anything-but a list holding it", { detail: { state: [{ "anything-but": ["stopped", "terminated"] }] } }, false],
  ["anything-but a prefix", { detail: { state: [{ "anything-but": { prefix: "init" } }] } }, true],
  ["numeric range", { detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }] } }, true],
  ["numeric range excluded", { detail: { "c-count": [{ numeric: [">", 5] }] } }, false],
  ["numeric less than", { detail: { "d-count": [{ numeric: ["<", 10] }] } }, true],
  ["numeric equals", { detail: { "x-limit": [{ numeric: ["=", 3.018e2] }] } }, true],
  ["numeric on a string is no match", { detail: { state: [{ numeric: [">", 0] }] } }, false],
  ["exists", { detail: { state: [{ exists: true }] } }, true],
  ["exists on a missing field", { detail: { "missing-field": [{ exists: true }] } }, false],
  ["exists: false on a missing field", { detail: { "missing-field": [{ exists: false }] } }, true],
  ["exists: false on a present field", { detail: { state: [{ exists: false }] } }, false],
  ["null matches null", { detail: { nothing: [null] } }, true],
  ["empty string matches empty string", { detail: { empty: [""] } }, true],
  ["null does not match a missing field", { detail: { "missing-field": [null] } }, false],
  ["a nested pattern on a missing object", { absent: { state: ["x"] } }, false],
  ["exact numbers", { detail: { "c-count": [5] } }, true]
]

describe("EventBridge pattern matching", () => {
  for (const [name, pattern, expected] of table) {
    it(`${name}: ${expected ? "matches" : "does not match"}`, () => {
      expect(matches(Schema.decodeUnknownSync(EventPatternSchema)(pattern), ec2Event)).toBe(expected)
    })
  }

  it("rejects a pattern that is not one, naming the field", () => {
    expect(() => Schema.decodeUnknownSync(EventPatternSchema)({ source: "aws.ec2" })).toThrow(/source/)
    expect(() => Schema.decodeUnknownSync(EventPatternSchema)({ detail: { n: [{ numeric: [">", {}] }] } })).toThrow(/numeric|n/)
  })
})
