/**
 * A notifier that posts to a Slack- or Discord-style incoming webhook: a JSON body with the
 * message as `text` (Slack) and `content` (Discord), so one URL of either kind works. It posts
 * through the process's one outbound `HttpClient`, which the edge provides.
 */
import { Duration, Effect } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { Notifier, NotifyFailed } from "@blockchaincore/core/ports/Notifier"

const WEBHOOK_TIMEOUT_MILLIS = 10_000

export const makeWebhookNotifier = (url: string, timeoutMillis = WEBHOOK_TIMEOUT_MILLIS): Effect.Effect<Notifier["Service"], never, HttpClient.HttpClient> =>
  Effect.map(HttpClient.HttpClient, (client) => {
    const failed = (message: string) => new NotifyFailed({ channel: "webhook", message })
    return Notifier.of({
      channel: "webhook",
      notify: (n) => {
        const text = `*${n.subject}*\n${n.body}`
        return client.execute(HttpClientRequest.post(url).pipe(HttpClientRequest.bodyJsonUnsafe({ text, content: text }))).pipe(
          // The answer is read to its end, so a peer that breaks off mid-answer is a failure too.
          Effect.flatMap((response) => Effect.as(response.text, response.status)),
          Effect.mapError((e) => failed(e.message)),
          Effect.timeoutOrElse({ duration: Duration.millis(timeoutMillis), orElse: () => Effect.fail(failed(`no answer in ${timeoutMillis / 1000} s`)) }),
          Effect.flatMap((status) => (status >= 200 && status < 300 ? Effect.void : Effect.fail(failed(`HTTP ${status}`))))
        )
      }
    })
  })

/** The webhook when no URL is configured: it logs what it would have posted. */
export const webhookOff = (why: string): Notifier["Service"] =>
  Notifier.of({ channel: "webhook (off)", notify: (n) => Effect.logDebug(`webhook off (${why}): ${n.subject}`) })
