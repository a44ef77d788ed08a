/** Reading an offline run's resources: one by type and name, its inputs, and the IAM statements of a role. */
import type { OfflineRun, Resource } from "./offlineApp.ts"

export const all = (run: OfflineRun, type: string) => run.resources.filter((r) => r.type === type)
export const one = (run: OfflineRun, type: string, name: string): Resource => {
  const found = run.resources.filter((r) => r.type === type && r.name === name)
  const [first] = found
  if (first === undefined || found.length !== 1)
    throw new Error(
      `expected one ${type} named ${name}, found ${found.length}: ${all(run, type)
        .map((r) => r.name)
        .join(", ")}`
    )
  return first
}
export const str = (r: Resource, key: string): string => {
  const v = r.inputs[key]
  if (typeof v !== "string") throw new Error(`${r.name}.${key} is not a string: ${JSON.stringify(v)}`)
  return v
}
export const json = (r: Resource, key: string): unknown => JSON.parse(str(r, key))
export const parametersOf = (r: Resource): Record<string, string> => {
  const parameters = r.inputs["parameters"]
  if (typeof parameters !== "object" || parameters === null) throw new Error(`${r.name} has no parameters`)
  return Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, String(v)]))
}
export const arnOf = (r: Resource) => r.arn

export interface Statement {
  readonly Effect: string
  readonly Action: ReadonlyArray<string>
  readonly Resource?: ReadonlyArray<string>
  readonly Principal?: Record<string, ReadonlyArray<string>>
}
export const statementsOf = (policy: unknown): ReadonlyArray<Statement> => {
  if (typeof policy !== "string") throw new Error(`not a policy document: ${JSON.stringify(policy)}`)
  const parsed: { Statement: ReadonlyArray<Statement> } = JSON.parse(policy)
  return parsed.Statement
}
export const roleStatements = (run: OfflineRun, role: string): ReadonlyArray<Statement> => {
  const inline = one(run, "aws:iam/role:Role", role).inputs["inlinePolicies"]
  if (!Array.isArray(inline)) return []
  return inline.flatMap((p: { policy: unknown }) => statementsOf(p.policy))
}
/** The resources a role's statements name, without the "/*" of their contents. */
export const namedResources = (statements: ReadonlyArray<Statement>) => new Set(statements.flatMap((s) => s.Resource ?? []).map((r) => r.replace(/\/\*$/, "")))
