/**
 * What `npm run bench` measured, written to docs/benchmarks.md as it prints it: the figures are
 * never typed by hand, and each run replaces the last one's.
 */
import { writeFileSync } from "node:fs"

interface Section {
  readonly title: string
  readonly what: string
  readonly lines: Array<string>
}

export class BenchReport {
  private readonly sections: Array<Section> = []
  private readonly machine: string
  constructor(machine: string) {
    this.machine = machine
  }

  section(title: string, what: string): void {
    this.sections.push({ title, what, lines: [] })
  }

  line(text: string): void {
    this.sections.at(-1)?.lines.push(text)
  }

  write(path: string): void {
    const body = this.sections.map((s) => [`## ${s.title}`, "", s.what, "", "```", ...trimmed(s.lines), "```", ""].join("\n"))
    writeFileSync(
      path,
      [
        "# Benchmarks",
        "",
        `Written by \`npm run bench\` (scripts/bench.ts) on ${new Date().toISOString().slice(0, 10)}, on ${this.machine}. Every figure below is`,
        "this run's, printed as the bench printed it; each run replaces the file. What the goals are, and",
        "what limits each figure, is said beside it in the bench's own lines.",
        "",
        ...body
      ].join("\n")
    )
  }
}

const trimmed = (lines: ReadonlyArray<string>) => {
  const out = [...lines]
  while (out[0]?.trim() === "") out.shift()
  while (out.at(-1)?.trim() === "") out.pop()
  return out
}
