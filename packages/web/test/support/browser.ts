/**
 * A Chromium for the dashboard test, wherever the machine has one, in this order: `CHROMIUM_PATH`;
 * a system Chromium or Chrome (Debian's `chromium`, which `.ci/run` installs); the Chromium
 * shipped inside the `@sparticuz/chromium` npm package (a devDependency; x86_64 only), with the
 * libraries it needs beyond glibc, so that `npm install && npm test` passes on a fresh x86_64
 * Linux machine with no browser at all. Each candidate is launched,
 * not just found: one that cannot run is passed over, and when none runs the error lists each
 * with why.
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type Browser, chromium } from "playwright-core"

export interface LaunchedBrowser {
  readonly browser: Browser
  /** Which candidate runs it, for the test's log. */
  readonly source: string
}

const SYSTEM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable", "/snap/bin/chromium"]
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--lang=en-US"]

interface Candidate {
  readonly source: string
  readonly path: () => Promise<string | undefined>
  readonly args: () => Promise<ReadonlyArray<string>>
}

const candidates = (): ReadonlyArray<Candidate> => {
  const fromEnv = process.env["CHROMIUM_PATH"]
  return [
    ...(fromEnv === undefined || fromEnv === "" ? [] : [{ source: `CHROMIUM_PATH=${fromEnv}`, path: async () => fromEnv, args: async () => FLAGS }]),
    ...SYSTEM.map((path) => ({ source: path, path: async () => (existsSync(path) ? path : undefined), args: async () => FLAGS })),
    {
      source: "@sparticuz/chromium (npm)",
      path: async () => {
        const sparticuz = await import("@sparticuz/chromium")
        const path = await sparticuz.default.executablePath()
        // The libraries it needs beyond glibc (NSS, NSPR, expat) ship with it, but it unpacks them
        // only on Amazon Linux: unpacked here too, so that a machine without them runs it.
        const libraries = await sparticuz.inflate(fileURLToPath(new URL("../bin/al2023.tar.br", import.meta.resolve("@sparticuz/chromium"))))
        sparticuz.setupLambdaEnvironment(join(libraries, "lib"))
        return path
      },
      // Its flags are Lambda's: one process, which a closed page would end with the browser.
      args: async () => [...(await import("@sparticuz/chromium")).default.args.filter((a) => a !== "--single-process"), "--lang=en-US"]
    }
  ]
}

export const launchChromium = async (): Promise<LaunchedBrowser> => {
  const tried: Array<string> = []
  for (const candidate of candidates()) {
    try {
      const path = await candidate.path()
      if (path === undefined) {
        tried.push(`${candidate.source}: not there`)
        continue
      }
      return { browser: await chromium.launch({ executablePath: path, args: [...(await candidate.args())] }), source: `${candidate.source} (${path})` }
    } catch (e) {
      tried.push(`${candidate.source}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`)
    }
  }
  throw new Error(
    `no Chromium could run the dashboard test. Tried:\n${tried.map((t) => `  - ${t}`).join("\n")}\nInstall Debian's chromium (apt-get install chromium), set CHROMIUM_PATH, or run npm install so that @sparticuz/chromium is there.`
  )
}
