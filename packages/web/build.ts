/**
 * `npm run build`: the dashboard's bundle, with esbuild, into packages/web/dist (index.html,
 * app.css, app.js with lightweight-charts and the schemas inside: the page loads nothing from
 * anywhere but its own server). API_URL, when set (the AWS static site), is the API the page
 * talks to; empty, the page's own origin (the local runtime).
 */
import { copyFileSync, mkdirSync } from "node:fs"
import { join } from "node:path"
import { build } from "esbuild"

export const WEB_DIST = join(import.meta.dirname, "dist")

export const buildDashboard = async (apiUrl = process.env["API_URL"] ?? ""): Promise<string> => {
  mkdirSync(WEB_DIST, { recursive: true })
  await build({
    entryPoints: [join(import.meta.dirname, "src/main.ts")],
    outfile: join(WEB_DIST, "app.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    sourcemap: true,
    legalComments: "linked",
    define: { __API_URL__: JSON.stringify(apiUrl) },
    logLevel: "warning"
  })
  for (const file of ["index.html", "app.css"]) copyFileSync(join(import.meta.dirname, "src", file), join(WEB_DIST, file))
  return WEB_DIST
}

if (import.meta.main) {
  const dir = await buildDashboard()
  console.error(`dashboard built into ${dir}`)
}
