#!/usr/bin/env -S node --max-semi-space-size=8
// An 8 MB semi-space, as the producer's image runs (packages/aws/build.ts): left to size its young
// generation itself on a large machine, V8 lets `candles` reach 230 MB where 180 MB do as fast.
import { main } from "../src/cli/main.ts"

main()
