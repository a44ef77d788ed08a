/**
 * What went wrong, in one line, from whatever was thrown or failed with: an error's message,
 * prefixed with its name when that says more than "Error" (an AWS SDK's `ThrottlingException`).
 */
export const errorMessage = (e: unknown): string => {
  const text = e instanceof Error ? (e.name === "Error" || e.name === "" ? e.message : `${e.name}: ${e.message}`) : typeof e === "string" ? e : String(e)
  return text.replace(/\s*\n\s*/g, "; ")
}
