/**
 * Paths given on the command line, checked before a command starts anything: each refusal is one
 * line naming the flag, the path, what is wrong and what to do instead.
 *
 * Directories are made one level at a time rather than with `mkdirSync(…, { recursive: true })`:
 * under /proc Node's recursive mkdir never returns (the kernel answers ENOENT for the parent it has
 * just been asked to make, and Node asks again), which held the event loop and every signal with it.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, readSync, realpathSync, statSync, type Stats } from "node:fs"
import { basename, dirname, join, resolve } from "node:path"
import { Effect, Schema } from "effect"
import { errorMessage } from "@blockchaincore/core/errors/errorMessage"

export class PathUnusable extends Schema.TaggedError<PathUnusable>()("PathUnusable", { message: Schema.String }) {}

/** A refusal of `path`, given to `flag`: the flag, the path, then what is wrong with it. */
const refusing = (flag: string, path: string) => (what: string) => Effect.fail(new PathUnusable({ message: `${flag} ${path} ${what}` }))

const statOf = (path: string): Stats | undefined => {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

const allowed = (path: string, mode: number) => {
  try {
    accessSync(path, mode)
    return true
  } catch {
    return false
  }
}
const writable = (path: string) => allowed(path, constants.W_OK | constants.X_OK)

/** Kernel file systems: nothing a command writes belongs there, and Node's fs misbehaves in them. */
const KERNEL = /^\/(proc|sys)(\/|$)/

/** Where `path` really is: its nearest existing folder resolved through symbolic links, and the rest. */
const realLocation = (path: string): string => {
  let above = path
  const rest: Array<string> = []
  for (;;) {
    try {
      return join(realpathSync(above), ...rest)
    } catch {
      const parent = dirname(above)
      if (parent === above) return path
      rest.unshift(basename(above))
      above = parent
    }
  }
}

/** `dir` as a directory this process can write in, made (with the missing folders above it) if it is not there. */
export const writableDirectory = (flag: string, dir: string): Effect.Effect<string, PathUnusable> =>
  Effect.suspend(() => {
    const fail = refusing(flag, dir)
    const absolute = realLocation(resolve(dir))
    if (KERNEL.test(absolute)) return fail("is inside a kernel file system (/proc, /sys): name a folder on a disk, e.g. ./data")
    const stats = statOf(absolute)
    if (stats !== undefined) {
      if (!stats.isDirectory()) return fail("is a file, not a folder: name a folder (it is made if it is missing)")
      return writable(absolute) ? Effect.succeed(absolute) : fail("is not writable by this user: name a folder you can write in")
    }
    // The nearest existing folder above it decides whether it can be made.
    const missing: Array<string> = []
    let above = absolute
    let aboveStats = statOf(above)
    while (aboveStats === undefined) {
      missing.unshift(above)
      above = dirname(above)
      aboveStats = statOf(above)
    }
    if (!aboveStats.isDirectory()) return fail(`cannot be made: ${above} is a file, not a folder`)
    if (!writable(above)) return fail(`cannot be made: ${above} is not writable by this user`)
    for (const level of missing) {
      try {
        mkdirSync(level)
      } catch (e) {
        // Made meanwhile by another command on the same folder (start and backfill may run side by side).
        if (statOf(level)?.isDirectory() !== true) return fail(`cannot be made: ${errorMessage(e)}`)
      }
    }
    return Effect.succeed(absolute)
  })

/** `dir` as an existing directory to read; `missing` says how one comes to be. */
export const readableDirectory = (flag: string, dir: string, missing: string): Effect.Effect<string, PathUnusable> =>
  Effect.suspend(() => {
    const fail = refusing(flag, dir)
    const stats = statOf(dir)
    if (stats === undefined) return fail(`does not exist: ${missing}`)
    if (!stats.isDirectory()) return fail("is a file, not a folder")
    return allowed(dir, constants.R_OK | constants.X_OK) ? Effect.succeed(dir) : fail("is not readable by this user")
  })

/** `file` as a file to read: there, a file and not a folder, readable, and not empty. */
export const readableFile = (flag: string, file: string): Effect.Effect<string, PathUnusable> =>
  Effect.suspend(() => {
    const fail = refusing(flag, file)
    const stats = statOf(file)
    if (stats === undefined) return fail("does not exist")
    if (stats.isDirectory()) return fail("is a folder: name a file in it")
    if (!stats.isFile()) return fail("is not a regular file (a device, a pipe or a socket): name a file")
    try {
      // Kernel files report size 0 yet have content: whether there is a first byte is the test.
      const fd = openSync(file, "r")
      try {
        if (readSync(fd, Buffer.alloc(1), 0, 1, 0) === 0) return fail("is empty")
      } finally {
        closeSync(fd)
      }
    } catch (e) {
      return fail(`cannot be read: ${errorMessage(e)}`)
    }
    return Effect.succeed(file)
  })

/** `file` as a file to write: not a folder, in a folder that exists and can be written in. */
export const writableFile = (flag: string, file: string): Effect.Effect<string, PathUnusable> =>
  Effect.suspend(() => {
    const fail = refusing(flag, file)
    const absolute = realLocation(resolve(file))
    if (KERNEL.test(absolute)) return fail("is inside a kernel file system (/proc, /sys): name a file on a disk")
    const existing = statOf(absolute)
    if (existing?.isDirectory() === true) return fail("is a folder: name a file, e.g. trades.ndjson.gz")
    if (existing !== undefined && !allowed(absolute, constants.W_OK)) return fail("is not writable by this user")
    const folder = statOf(dirname(absolute))
    if (folder === undefined) return fail(`cannot be written: its folder ${dirname(absolute)} does not exist`)
    if (!folder.isDirectory()) return fail(`cannot be written: ${dirname(absolute)} is a file, not a folder`)
    if (!writable(dirname(absolute))) return fail(`cannot be written: ${dirname(absolute)} is not writable by this user`)
    return Effect.succeed(file)
  })
