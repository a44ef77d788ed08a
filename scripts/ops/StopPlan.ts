/**
 * What `stop` does for an answer, decided apart from the prompting so it can be tested:
 * - "yes": stop the producer, let the pipe drain the trades queue (so everything received is
 *   stored and archived), then `sst remove`;
 * - "fast": `sst remove` at once (what is still queued is lost with the queue);
 * - "cancel" (or anything else): nothing.
 * `prod` is protected by the app (`sst remove` refuses it); this script refuses it too unless
 * told twice: `--yes-remove-prod` on the command line and the stage's name typed at the prompt.
 */
export type Answer = "yes" | "fast" | "cancel"

export type StopPlan =
  | { readonly _tag: "Refuse"; readonly reason: string }
  | { readonly _tag: "Ask"; readonly question: string }

export const planStop = (stage: string, confirmProd: boolean): StopPlan =>
  stage === "prod" && !confirmProd
    ? { _tag: "Refuse", reason: "prod is protected: to remove it anyway, run again with --yes-remove-prod (and type its name when asked)" }
    : { _tag: "Ask", question: `Remove stage ${stage}? yes (drain the queue first) / fast (now) / cancel: ` }

export const answerOf = (stage: string, typed: string, prodName: string | undefined): Answer => {
  const word = typed.trim().toLowerCase()
  if (stage === "prod" && prodName !== "prod") return "cancel"
  return word === "yes" || word === "y" ? "yes" : word === "fast" ? "fast" : "cancel"
}
