/**
 * The dashboard's files (packages/web/dist, built by `npm run build`), served by the local
 * runtime: only files inside that folder, by extension's content type; `/` is `index.html`.
 */
import { existsSync, readFileSync, statSync } from "node:fs"
import type { ServerResponse } from "node:http"
import { extname, join, normalize, resolve, sep } from "node:path"

export const DASHBOARD_DIR = resolve(import.meta.dirname, "../../../web/dist")

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".map": "application/json"
}

/** Serves `path` from `root` if it is a file there; false if not (the caller answers 404). */
export const serveStatic = (root: string, path: string, res: ServerResponse): boolean => {
  const relative = path === "/" ? "index.html" : decodeURIComponent(path).replace(/^\/+/, "")
  const file = normalize(join(root, relative))
  if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return false
  res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" })
  res.end(readFileSync(file))
  return true
}
