/**
 * What the Lambda handlers fail with, tagged: in the logs and to Lambda, a failure says which kind
 * it is, and a test can tell them apart without reading the message.
 */
import { Schema } from "effect"

/** The function's own configuration (its environment, its links) is wrong: every invocation fails, naming it. */
export class FunctionMisconfigured extends Schema.TaggedError<FunctionMisconfigured>()("FunctionMisconfigured", {
  message: Schema.String
}) {}

/** An invocation's payload as a whole is not what the pipe sends: the whole batch fails (one message alone is reported, not failed). */
export class MalformedPayload extends Schema.TaggedError<MalformedPayload>()("MalformedPayload", {
  message: Schema.String
}) {}

/** A consumer's handler failed: Lambda retries the event, then keeps it in the subscription's failure destination. */
export class ConsumerFailed extends Schema.TaggedError<ConsumerFailed>()("ConsumerFailed", {
  consumer: Schema.String,
  message: Schema.String
}) {}
