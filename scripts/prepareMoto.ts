/**
 * Makes `moto_server` (Python's `moto`) available to the tests that need an emulated AWS account
 * (the operator scripts, the bus's patterns, least privilege), as preparePlatform.ts makes SST's
 * platform available: one already on the PATH is used; otherwise it is installed once, from PyPI,
 * into a virtual environment of the project's own (.moto/), so `npm install && npm test` pass on a
 * machine with Python 3 and nothing else.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { join, resolve } from "node:path"

const root = resolve(import.meta.dirname, "..")
/** moto's version the tests were written against; a newer one may answer differently. */
const MOTO = "moto[server]==5.2.1"
export const PROJECT_MOTO = join(root, ".moto/bin/moto_server")

const onPath = spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status === 0
if (!onPath && !existsSync(PROJECT_MOTO)) {
  console.error(`installing ${MOTO} into .moto/ for the AWS emulator tests (about 30 s, once)`)
  const python = spawnSync("python3", ["--version"], { stdio: "ignore" }).status === 0 ? "python3" : undefined
  if (python === undefined) {
    console.error("npm test needs Python 3 for moto_server (the emulated AWS account): install python3 and python3-venv, or put moto_server on the PATH")
    process.exit(1)
  }
  try {
    execFileSync(python, ["-m", "venv", join(root, ".moto")], { stdio: ["ignore", "inherit", "inherit"] })
    execFileSync(join(root, ".moto/bin/pip"), ["install", "--quiet", "--disable-pip-version-check", MOTO], { stdio: ["ignore", "inherit", "inherit"] })
  } catch {
    console.error("could not install moto into .moto/ (is python3-venv installed? pip needs PyPI): install it, or put moto_server on the PATH")
    process.exit(1)
  }
}
