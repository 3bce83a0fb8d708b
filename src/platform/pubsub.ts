// Typed pub/sub. Topics carry the id they are about (`topic:id`), so with Redis an event
// reaches only the instances that subscribed to that id. Payloads are JSON-safe facts
// (ids, small values); subscribers reload rows.
//
// Redis pub/sub is fire-and-forget: while an instance's subscriber connection is down, the
// events published meanwhile never reach it. So when that connection drops, every local
// subscription that cannot fill the gap from the database ends with STREAM_INTERRUPTED (the
// client resubscribes, then refetches), and new ones are refused with it until Redis is back;
// replayable ones (the live host stream, which reads its event log) keep going.
import { createPubSub } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { streamInterrupted } from './errors.ts';
import { createFanout, type SubscribeOptions } from './fanout.ts';
import { outageLog } from './outage.ts';

/** Modules add their topics here by declaration merging (see each module's events.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TopicPayloads {}

export type Topic = keyof TopicPayloads & string;

export interface PubSub {
  publish<T extends Topic>(topic: T, id: string, payload: TopicPayloads[T]): void;
  subscribe<T extends Topic>(topic: T, id: string, options?: SubscribeOptions): AsyncIterable<TopicPayloads[T]> & AsyncIterator<TopicPayloads[T]>;
  close(): Promise<void>;
  /** Redis only: whether both connections are up now (readiness) */
  connected?(): boolean;
}

/** Notified when an event reaches this instance's listener, with how long ago it was published. */
export type OnDelivered = (lagMs: number) => void;

/**
 * When an event was published (ms since the epoch), carried as one more property of the payload
 * object and removed on arrival. A property, not an envelope: instances of an older or newer
 * version, or with metrics off, still read each other's events during a rolling deploy.
 */
const PUBLISHED_AT = '__publishedAt';

function stamped(payload: unknown): unknown {
  return payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? { ...payload, [PUBLISHED_AT]: Date.now() } : payload;
}

/** Removes the stamp, reporting the lag; return() goes straight to the source (ends a waiting next() at once). */
function delivered(source: AsyncIterator<unknown>, onDelivered?: OnDelivered): AsyncIterator<unknown> {
  return {
    async next() {
      const result = await source.next();
      if (result.done || result.value === null || typeof result.value !== 'object' || !(PUBLISHED_AT in result.value)) return result;
      const { [PUBLISHED_AT]: at, ...payload } = result.value as Record<string, unknown>;
      if (onDelivered && typeof at === 'number') onDelivered(Math.max(0, Date.now() - at));
      return { done: false, value: payload };
    },
    return: (value?: unknown) => source.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
  };
}

type RawPubSub = ReturnType<typeof createPubSub<Record<string, [string, unknown]>>>;

function wrap(raw: RawPubSub, close: () => Promise<void>, onDelivered?: OnDelivered) {
  // one raw subscription per topic:id on this instance, however many local subscribers; the
  // lag is measured once per event per instance, not per subscriber
  const local = createFanout<unknown>((topic, id) => delivered(raw.subscribe(topic, id)[Symbol.asyncIterator](), onDelivered));
  const pubsub: PubSub = {
    publish: (topic, id, payload) => raw.publish(topic, id, onDelivered ? stamped(payload) : payload),
    subscribe: (topic, id, options) => local.subscribe(topic, id, options) as never,
    close,
  };
  return { pubsub, local };
}

export function createMemoryPubSub(onDelivered?: OnDelivered): PubSub {
  return wrap(createPubSub(), async () => {}, onDelivered).pubsub;
}

/** Published by an instance that had to drop events: every instance's subscribers may have missed them. */
const GAP_CHANNEL = 'livesuite:pubsub-gap';
/**
 * Publishes waiting for Redis (ioredis queues them while it reconnects, and sends them once
 * back). Past this many, an outage would grow memory without bound: further events are
 * dropped, and GAP_CHANNEL tells every instance once Redis answers again.
 */
const MAX_PENDING_PUBLISHES = 10_000;

export async function createRedisPubSub(url: string, logger?: Pick<Logger, 'warn' | 'info'>, onDelivered?: OnDelivered): Promise<PubSub> {
  // loaded only with REDIS_URL: a single instance does not carry the Redis client (~2 MB of heap)
  const [{ Redis }, { createRedisEventTarget }] = await Promise.all([import('ioredis'), import('@graphql-yoga/redis-event-target')]);
  const options = { lazyConnect: true, maxRetriesPerRequest: null };
  // a DM publishes several events at once (inbox, conversation, live): auto-pipelined, they
  // leave in one write (one syscall, one wake-up of Redis) instead of one each, in order
  const publishClient = new Redis(url, { ...options, enableAutoPipelining: true });
  const subscribeClient = new Redis(url, options);
  const outage = outageLog(logger, 'Redis');
  let closing = false;
  for (const client of [publishClient, subscribeClient]) {
    // ioredis reports each failed reconnection as an 'error' event (printed as "Unhandled
    // error event" when nobody listens); it keeps reconnecting by itself
    client.on('error', (error) => outage.down(error));
    client.on('close', () => closing || outage.down(new Error('connection closed')));
    client.on('ready', () => publishClient.status === 'ready' && subscribeClient.status === 'ready' && outage.up());
  }

  let pending = 0;
  let dropped = false;
  const reportDropped = () => {
    if (!dropped || publishClient.status !== 'ready') return;
    dropped = false;
    publishClient.publish(GAP_CHANNEL, '').catch(() => (dropped = true));
  };
  publishClient.on('ready', reportDropped);
  // what the event target calls: publish, subscribe, unsubscribe, on('message'); their promises
  // are not awaited there, so a command refused at shutdown must not become an unhandled rejection
  const publisher = {
    publish(channel: string, message: string) {
      if (pending >= MAX_PENDING_PUBLISHES) {
        dropped = true;
        return;
      }
      pending += 1;
      publishClient
        .publish(channel, message)
        .catch(() => (dropped = true))
        .finally(() => {
          pending -= 1;
          reportDropped();
        });
    },
  };
  const subscriber = {
    on: (event: 'message', listener: (channel: string, message: string) => void) => subscribeClient.on(event, listener),
    subscribe: (channel: string) => subscribeClient.subscribe(channel).catch(() => {}),
    unsubscribe: (channel: string) => subscribeClient.unsubscribe(channel).catch(() => {}),
  };

  await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  const eventTarget = createRedisEventTarget({ publishClient: publisher as unknown as Redis, subscribeClient: subscriber as unknown as Redis });
  const { pubsub, local } = wrap(createPubSub({ eventTarget }), async () => {
    closing = true;
    // QUIT waits for a reply: while Redis is away it would wait for its return, and a connection
    // that was cut a moment ago may still say 'ready' (seen at shutdown right after an outage):
    // a polite QUIT for at most a second, then the socket is dropped
    await Promise.allSettled(
      [publishClient, subscribeClient].map(async (client) => {
        if (client.status === 'ready') {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([client.quit().catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
          clearTimeout(timer);
        }
        client.disconnect();
      }),
    );
  }, onDelivered);
  pubsub.connected = () => publishClient.status === 'ready' && subscribeClient.status === 'ready';

  // events published while this connection is down never reach this instance
  subscribeClient.on('close', () => closing || local.interrupt(streamInterrupted));
  subscribeClient.on('ready', () => local.resume());
  subscribeClient.on('message', (channel: string) => {
    if (channel !== GAP_CHANNEL) return;
    local.interrupt(streamInterrupted);
    if (subscribeClient.status === 'ready') local.resume();
  });
  await subscribeClient.subscribe(GAP_CHANNEL);
  return pubsub;
}

export function openPubSub(redisUrl: string | undefined, logger?: Pick<Logger, 'warn' | 'info'>, onDelivered?: OnDelivered): Promise<PubSub> {
  return redisUrl ? createRedisPubSub(redisUrl, logger, onDelivered) : Promise.resolve(createMemoryPubSub(onDelivered));
}
