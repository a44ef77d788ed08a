/**
 * How an operator script ends: with the exit code its work gives, or, on a refusal or an AWS
 * error, with one line naming the script and the error's message, not a stack trace.
 */
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

export const runScript = async (name: string, main: () => Promise<number>): Promise<void> => {
  try {
    process.exitCode = await main()
  } catch (e) {
    console.error(`${name}: ${errorMessage(e)}`)
    process.exitCode = 1
  }
}
