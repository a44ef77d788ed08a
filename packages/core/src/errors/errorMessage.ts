/** What went wrong, in one line, from whatever was thrown or failed with. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : typeof e === "string" ? e : String(e)).replace(/\s*\n\s*/g, "; ")
