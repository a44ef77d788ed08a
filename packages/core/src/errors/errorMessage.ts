/** A message on one line, for logs, reports and API errors: schema errors span several. */
export const oneLine = (e: { readonly message: string }): string => e.message.replace(/\s*\n\s*/g, "; ")

const textOf = (e: Error): string => {
  const code = "code" in e && typeof e.code === "string" ? e.code : undefined
  const message = e.message.length > 0 ? e.message : (code ?? "")
  return e.name === "Error" || e.name === "" || e.name === "AggregateError" ? message : `${e.name}: ${message}`
}

/**
 * The innermost error an error was caused by, where it says what the outer one does not: a
 * transport error's refused connection or unknown host (ECONNREFUSED, ENOTFOUND).
 */
export const rootCause = (cause: unknown): string | undefined => {
  let inner: unknown = cause
  let deepest: Error | undefined
  for (let depth = 0; inner instanceof Error && depth < 8; depth++) {
    deepest = inner
    inner = inner.cause ?? (inner instanceof AggregateError ? inner.errors[0] : undefined)
  }
  const text = deepest === undefined ? "" : textOf(deepest)
  return text.length === 0 ? undefined : text
}

/**
 * What went wrong, in one line, from whatever was thrown or failed with: an error's message,
 * prefixed with its name when that says more than "Error" (an AWS SDK's `ThrottlingException`),
 * and followed by the root cause it was wrapped around.
 */
export const errorMessage = (e: unknown): string => {
  if (!(e instanceof Error)) return oneLine({ message: typeof e === "string" ? e : String(e) })
  const cause = rootCause(e.cause)
  return oneLine({ message: cause === undefined || e.message.includes(cause) ? textOf(e) : `${textOf(e)}: ${cause}` })
}
