/**
 * What a traced program (the pipe's functions, each consumer, the producer task) gets on a stage:
 * OpenTelemetry's variables for where its spans go (stacks/config.ts) and, when they go to
 * CloudWatch's own endpoint, the permission to put them. X-Ray's span actions take no resource.
 */
import { type DeployConfig, tracingEnvironment, XRAY_SPAN_ACTIONS } from "./config.ts"
import type { Grant } from "./access.ts"

export const tracedEnvironment = (config: Pick<DeployConfig, "tracing">) =>
  tracingEnvironment(config, () => $interpolate`https://xray.${aws.getRegionOutput().region}.amazonaws.com/v1/traces`)

export const tracingGrants = (config: Pick<DeployConfig, "tracing">): Array<Grant> =>
  config.tracing?.endpoint === "xray" ? [{ actions: XRAY_SPAN_ACTIONS, resources: ["*"] }] : []
