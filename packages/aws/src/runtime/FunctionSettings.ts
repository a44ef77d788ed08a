/**
 * A setting of the function's environment, read through Effect's `Config` when the layer is built
 * (not from the process's first snapshot: a test sets it just before); undefined when unset or empty.
 */
import { Config, ConfigProvider, Option } from "effect"

export const optionalSetting = (name: string) =>
  Config.String(name)
    .pipe(
      Config.option,
      Config.map((value) => Option.getOrUndefined(Option.filter(value, (text) => text !== "")))
    )
    .parse(ConfigProvider.fromEnv())
