/** A message on one line, for logs, reports and API errors: schema errors span several. */
export const oneLine = (e: { readonly message: string }): string => e.message.replace(/\s*\n\s*/g, "; ")

/**
 * What went wrong, in one line, from whatever was thrown or failed with: an error's message,
 * prefixed with its name when that says more than "Error" (an AWS SDK's `ThrottlingException`).
 */
export const errorMessage = (e: unknown): string =>
  oneLine({ message: e instanceof Error ? (e.name === "Error" || e.name === "" ? e.message : `${e.name}: ${e.message}`) : typeof e === "string" ? e : String(e) })
