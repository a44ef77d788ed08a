/**
 * `npm run aws:redrive -- --stage dev --region ap-northeast-1`: replays the bus events that a
 * consumer failed after its retries (the `ConsumerFailures` queue, whose alarm pages ops), on the
 * function that failed each, once its cause is fixed; then sends the trade batches of the trades
 * dead-letter queue back to the trades queue, in order (scripts/ops/TradesRedrive.ts). Prints
 * what was replayed and what was kept.
 */
import { resolve } from "node:path"
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda"
import { SQSClient } from "@aws-sdk/client-sqs"
import { Effect, Layer, Option } from "effect"
import { FunctionInvoker, InvokeFailed, redrive } from "./ops/Redrive.ts"
import { redriveTrades } from "./ops/TradesRedrive.ts"
import { Command } from "effect/cli"
import { REDRIVE_FLAGS } from "./ops/Stage.ts"
import { runScriptCommand, scriptWork } from "./ops/ScriptCommand.ts"
import { readStageOutputs } from "./ops/SstOutputs.ts"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

const root = resolve(import.meta.dirname, "..")
runScriptCommand(
  Command.make(
    "aws:redrive",
    REDRIVE_FLAGS,
    scriptWork("aws:redrive", async ({ stage, region, fromDeadLetter, fromFailures }) => {
      const outputs = readStageOutputs(root, stage, region)
      const lambda = new LambdaClient({ region })
      const invoker = Layer.succeed(
        FunctionInvoker,
        FunctionInvoker.of({
          invoke: (functionArn, event) =>
            Effect.tryPromise({
              try: () =>
                lambda.send(
                  new InvokeCommand({ FunctionName: functionArn, InvocationType: "Event", Payload: new TextEncoder().encode(JSON.stringify(event)) })
                ),
              catch: (e) => new InvokeFailed({ message: `invoke ${functionArn}: ${errorMessage(e)}` })
            })
        })
      )

      const sqs = new SQSClient({ region })
      const report = await Effect.runPromise(
        redrive(
          sqs,
          Option.getOrElse(fromFailures, () => outputs.consumerFailures)
        ).pipe(Effect.provide(invoker))
      )
      console.log(`replayed ${report.replayed} failed events of stage ${stage}`)
      for (const line of report.kept) console.log(`kept ${line}`)
      const trades = await Effect.runPromise(
        redriveTrades(
          sqs,
          Option.getOrElse(fromDeadLetter, () => outputs.deadLetterQueue),
          outputs.queue
        )
      )
      console.log(`sent ${trades.replayed} dead-lettered trade batches of stage ${stage} back to its trades queue`)
      for (const line of trades.kept) console.log(`kept ${line}`)
      return report.kept.length + trades.kept.length === 0 ? 0 : 3
    })
  ).pipe(
    Command.withDescription(
      "Replay the bus events a consumer failed after its retries, on the function that failed each, and send the trade batches of the trades dead-letter queue back to the trades queue in order, once the cause is fixed"
    ),
    Command.withExamples([
      { command: "npm run aws:redrive -- --stage dev --region ap-northeast-1", description: "Replay the dev stage's failed events and dead-lettered batches" },
      {
        command:
          "npm run aws:redrive -- --stage prod --region ap-northeast-1 --from-dead-letter https://sqs.ap-northeast-1.amazonaws.com/123456789012/old-TradesDeadLetter.fifo",
        description: "Into a redeployed prod, the batches a removed prod's kept dead-letter queue holds"
      }
    ])
  )
)
