/**
 * The price table the cost estimate uses: AWS list prices for Asia Pacific (Tokyo),
 * ap-northeast-1, the app's region, on-demand, without free tiers, as published when this was
 * written (2026). Prices change: check https://aws.amazon.com/pricing before relying on a figure,
 * and edit here.
 */
export const REGION = "ap-northeast-1"

export const PRICES = {
  fargateArmVcpuHour: 0.04045,
  fargateArmGbHour: 0.00442,
  /** Fargate Spot's discount on the on-demand price: about 70% in Tokyo, and it varies. */
  fargateSpotDiscount: 0.7,
  publicIpv4Hour: 0.005,
  sqsFifoPerMillionRequests: 0.5,
  pipesPerMillionRequests: 0.4,
  eventBridgePerMillionEvents: 1.0,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaX86PerGbSecond: 0.0000166667,
  dynamoPerMillionWriteUnits: 0.7125,
  dynamoPerMillionReadUnits: 0.1425,
  dynamoStoragePerGbMonth: 0.285,
  s3PutPerThousand: 0.0047,
  s3GetPerThousand: 0.00037,
  s3StandardPerGbMonth: 0.025,
  snsPerMillionPublishes: 0.5,
  snsEmailPerHundredThousand: 2.0,
  cloudWatchAlarmMonth: 0.1,
  cloudWatchLogsIngestedPerGb: 0.76,
  ecrStoragePerGbMonth: 0.1,
  kmsKeyMonth: 1.0,
  kmsPerTenThousandRequests: 0.03
} as const

export type PriceTable = typeof PRICES

export const HOURS_PER_MONTH = 730
