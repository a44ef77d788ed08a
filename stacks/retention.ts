/// <reference path="../.sst/platform/config.d.ts" />
/**
 * What a person needs after a prod stage is removed, or one of its resources replaced, beyond what
 * SST's `removal: "retain"` keeps (tables, buckets and VPC parts, `.sst/platform/src/auto/run.ts`):
 * the trades dead-letter queue and the consumer-failure queue (what `aws:redrive` replays), the
 * Glue catalog (Athena's view of the archive, which the retained bucket still holds) and the KMS
 * key of the topics (deleting it schedules the key's destruction). A stage that removes its data
 * stores (any but prod) removes these too.
 */
export const keptOnRemoval = (): { readonly retainOnDelete: boolean } => ({ retainOnDelete: $app.removal === "retain" })

/** The same, for an SST component's `transform` of the resource inside it. */
export const keepOnRemoval = (_args: unknown, opts: { retainOnDelete?: boolean }) => {
  opts.retainOnDelete = keptOnRemoval().retainOnDelete
}
