/**
 * A notifier that posts to a Slack- or Discord-style incoming webhook: a JSON body with the
 * message as `text` (Slack) and `content` (Discord), so one URL of either kind works.
 */
import { Effect } from "effect"
import { Notifier, NotifyFailed } from "@blockchaincore/core/ports/Notifier"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

export const makeWebhookNotifier = (url: string, timeoutMillis = 10_000): Notifier["Service"] =>
  Notifier.of({
    channel: "webhook",
    notify: (n) =>
      Effect.tryPromise({
        try: async (signal) => {
          const text = `*${n.subject}*\n${n.body}`
          const res = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ text, content: text }),
            signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMillis)])
          })
          if (!res.ok) throw new Error(`HTTP ${res.status}`)
        },
        catch: (e) => new NotifyFailed({ channel: "webhook", message: errorMessage(e) })
      })
  })

/** The webhook when no URL is configured: it logs what it would have posted. */
export const webhookOff = (why: string): Notifier["Service"] =>
  Notifier.of({ channel: "webhook (off)", notify: (n) => Effect.logDebug(`webhook off (${why}): ${n.subject}`) })
