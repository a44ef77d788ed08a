/**
 * Alerts on AWS: published to the alert SNS topic, which fans them out to the stage's e-mail,
 * SMS and mobile-push subscriptions. The subject is cut to SNS's 100 characters; the severity
 * travels as a message attribute, so a subscription can filter on it.
 */
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns"
import { Layer } from "effect"
import { Notifier, NotifyFailed } from "@blockchaincore/core/ports/Notifier"
import { type RetryOptions, sendUntilTaken } from "../retry/RetryFailed.ts"

interface SnsNotifierOptions extends RetryOptions {
  readonly client: SNSClient
  readonly topicArn: string
}

/** SNS takes printable ASCII in a subject, at most 100 characters, no line breaks. */
export const snsSubject = (subject: string) =>
  subject
    .replace(/[^\x20-\x7e]/g, "")
    .trim()
    .slice(0, 100) || "BlockchainCore alert"

export const makeSnsNotifier = (options: SnsNotifierOptions): Notifier["Service"] =>
  Notifier.of({
    channel: "sns",
    notify: (n) =>
      sendUntilTaken(
        options,
        [n],
        async () => {
          await options.client.send(
            new PublishCommand({
              TopicArn: options.topicArn,
              Subject: snsSubject(n.subject),
              Message: `${n.subject}\n\n${n.body}`,
              MessageAttributes: { severity: { DataType: "String", StringValue: n.severity } }
            })
          )
          return { _tag: "Done" }
        },
        (reason) => new NotifyFailed({ channel: "sns", message: reason })
      )
  })

export const layerSnsNotifier = (options: SnsNotifierOptions): Layer.Layer<Notifier> => Layer.succeed(Notifier, makeSnsNotifier(options))
