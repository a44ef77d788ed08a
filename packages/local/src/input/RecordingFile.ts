/** A recording named on the command line (`start --replay`, `replay-server --input`), read whole or refused in one line. */
import { Effect, Schema } from "effect"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"
import { loadRecording, type RecordedFrame, RecordingError } from "@blockchaincore/replay/Recording"

export class RecordingUnreadable extends Schema.TaggedError<RecordingUnreadable>()("RecordingUnreadable", { message: Schema.String }) {}

/** Its frames; anything but a recording is named by flag, file and line, with how one is made. */
export const recordingFrames = (flag: string, file: string): Effect.Effect<Array<RecordedFrame>, RecordingUnreadable> =>
  Effect.try({
    try: () => loadRecording(file),
    catch: (e) =>
      new RecordingUnreadable({
        message: `${flag} ${file} is not a recording of Binance's trade stream (${e instanceof RecordingError ? `line ${e.line}: ${e.message}` : errorMessage(e)}); one is made with \`blockchaincore record\``
      })
  })
