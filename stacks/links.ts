/// <reference path="../.sst/platform/config.d.ts" />
/**
 * Links carry names, not permissions. SST's own link of a table, bucket, queue, topic or bus
 * grants the whole service on it (`dynamodb:*`, `s3:*`, ...): the public API could delete
 * candles, the producer could purge the queue. Re-shaped here with `sst.Linkable.wrap`, a link
 * only tells the function the resource's name (what `Resource.X` reads in
 * packages/aws/src/runtime/LinkedResources.ts), and each function is granted exactly what its
 * code does in stacks/access.ts.
 */
export const linksCarryNamesOnly = () => {
  sst.Linkable.wrap(sst.aws.Dynamo, (table) => ({ properties: { name: table.name } }))
  sst.Linkable.wrap(sst.aws.Bucket, (bucket) => ({ properties: { name: bucket.name } }))
  sst.Linkable.wrap(sst.aws.Queue, (queue) => ({ properties: { url: queue.url } }))
  sst.Linkable.wrap(sst.aws.SnsTopic, (topic) => ({ properties: { arn: topic.arn } }))
  sst.Linkable.wrap(sst.aws.Bus, (bus) => ({ properties: { name: bus.name, arn: bus.arn } }))
}
