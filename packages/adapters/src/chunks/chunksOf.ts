/**
 * Items in groups, order kept, each group at most `count` items and, given a size per item, at
 * most `bytes` in all: how every batch API (SQS, EventBridge, DynamoDB) wants its requests. An
 * item larger than `bytes` alone is a group of its own; callers refuse such an item before.
 */
export const chunksOf = <A>(
  items: ReadonlyArray<A>,
  limits: { readonly count: number; readonly bytes?: number; readonly sizeOf?: (item: A) => number }
): Array<Array<A>> => {
  const groups: Array<Array<A>> = []
  let current: Array<A> = []
  let bytes = 0
  for (const item of items) {
    const size = limits.sizeOf?.(item) ?? 0
    if (current.length > 0 && (current.length === limits.count || (limits.bytes !== undefined && bytes + size > limits.bytes))) {
      groups.push(current)
      current = []
      bytes = 0
    }
    current.push(item)
    bytes += size
  }
  if (current.length > 0) groups.push(current)
  return groups
}
