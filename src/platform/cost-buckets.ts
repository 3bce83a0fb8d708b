// Leaky buckets of query cost points, one per caller: a bucket holds at most `budget` points,
// refills at `restoreRate` points per second, and an operation runs only if the bucket holds
// its whole cost, which it then takes out. In memory on one instance; in Redis when REDIS_URL
// is set, so every instance draws from the same bucket.
//
// Not @envelop/rate-limiter: it counts calls of single fields in a sliding window (a list of
// timestamps per field), not points per operation, and its Redis store reads the list, then
// writes it back, so two instances admitting at once both pass. Here the Redis side is one Lua
// script: refill, compare and take happen atomically on the Redis server, on its clock.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface BucketShape {
  /** points a full bucket holds */
  budget: number;
  /** points restored per second */
  restoreRate: number;
}

export interface Draw {
  allowed: boolean;
  /** points left after this draw (or, when refused, before it) */
  available: number;
}

export interface CostBuckets {
  take(caller: string, cost: number): Promise<Draw>;
  close(): Promise<void>;
}

/** Refill a bucket last seen at `at` with `available` points to `now`. */
const refilled = (shape: BucketShape, available: number, at: number, now: number) => Math.min(shape.budget, available + ((now - at) / 1000) * shape.restoreRate);

export function createMemoryBuckets(shape: BucketShape, now: () => number = Date.now): CostBuckets {
  const buckets = new Map<string, { available: number; at: number }>();
  const prune = (time: number) => {
    // a full bucket is the same as no bucket
    for (const [caller, bucket] of buckets) if (refilled(shape, bucket.available, bucket.at, time) >= shape.budget) buckets.delete(caller);
  };
  return {
    async take(caller, cost) {
      const time = now();
      if (buckets.size > 50_000) prune(time);
      const bucket = buckets.get(caller);
      const available = bucket ? refilled(shape, bucket.available, bucket.at, time) : shape.budget;
      const allowed = available >= cost;
      const left = allowed ? available - cost : available;
      buckets.set(caller, { available: left, at: time });
      return { allowed, available: left };
    },
    async close() {},
  };
}

// KEYS[1] bucket; ARGV budget, restore rate per second, cost. Returns {allowed, available}.
// Available points travel as strings: Redis turns Lua numbers into integers.
const TAKE_SCRIPT = `
local budget = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'available', 'at')
local available = tonumber(state[1]) or budget
local at = tonumber(state[2]) or now
available = math.min(budget, available + math.max(0, now - at) / 1000 * rate)
local allowed = 0
if available >= cost then
  available = available - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'available', tostring(available), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((budget - available) / rate * 1000) + 1000)
return { allowed, tostring(available) }
`;

type ScriptedRedis = Redis & { takeCost(key: string, budget: number, rate: number, cost: number): Promise<[number, string]> };

/**
 * Buckets in Redis. While Redis cannot answer quickly, each instance falls back to its own
 * memory buckets: a limiter must not turn a Redis outage into an API outage.
 */
export async function createRedisBuckets(url: string, shape: BucketShape, logger?: Pick<Logger, 'warn'>): Promise<CostBuckets> {
  const { Redis } = await import('ioredis');
  // fail fast instead of queueing while Redis is away; the draws of one tick (concurrent
  // requests) travel in one write, which costs less than the script on this path
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 500, enableAutoPipelining: true }) as ScriptedRedis;
  redis.defineCommand('takeCost', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  redis.on('error', () => {});
  const fallback = createMemoryBuckets(shape);
  let warned = false;
  // the key names the bucket's shape: instances configured differently keep separate buckets
  const prefix = `livesuite:cost:${shape.budget}:${shape.restoreRate}:`;
  await redis.connect().catch(() => {});
  return {
    async take(caller, cost) {
      try {
        const [allowed, available] = await redis.takeCost(prefix + caller, shape.budget, shape.restoreRate, cost);
        warned = false;
        return { allowed: allowed === 1, available: Number(available) };
      } catch (error) {
        if (!warned) logger?.warn({ err: error }, 'cost budget: Redis unavailable, limiting per instance');
        warned = true;
        return fallback.take(caller, cost);
      }
    },
    async close() {
      await (redis.status === 'ready' ? redis.quit().then(() => undefined, () => redis.disconnect()) : redis.disconnect());
    },
  };
}

export function openCostBuckets(redisUrl: string | undefined, shape: BucketShape, logger?: Pick<Logger, 'warn'>): Promise<CostBuckets> {
  return redisUrl ? createRedisBuckets(redisUrl, shape, logger) : Promise.resolve(createMemoryBuckets(shape));
}
