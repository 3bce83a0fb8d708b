// Typed pub/sub. Topics carry the id they are about (`topic:id`), so with Redis an event
// reaches only the instances that subscribed to that id. Payloads are JSON-safe facts
// (ids, small values); subscribers reload rows.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { createFanout } from './fanout.ts';

/** Modules add their topics here by declaration merging (see each module's events.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TopicPayloads {}

export type Topic = keyof TopicPayloads & string;

export interface PubSub {
  publish<T extends Topic>(topic: T, id: string, payload: TopicPayloads[T]): void;
  subscribe<T extends Topic>(topic: T, id: string): AsyncIterable<TopicPayloads[T]> & AsyncIterator<TopicPayloads[T]>;
  close(): Promise<void>;
}

type RawPubSub = ReturnType<typeof createPubSub<Record<string, [string, unknown]>>>;

function wrap(raw: RawPubSub, close: () => Promise<void>): PubSub {
  // one raw subscription per topic:id on this instance, however many local subscribers
  const local = createFanout<unknown>((topic, id) => raw.subscribe(topic, id)[Symbol.asyncIterator]());
  return {
    publish: (topic, id, payload) => raw.publish(topic, id, payload),
    subscribe: (topic, id) => local.subscribe(topic, id) as never,
    close,
  };
}

export function createMemoryPubSub(): PubSub {
  return wrap(createPubSub(), async () => {});
}

export async function createRedisPubSub(url: string): Promise<PubSub> {
  const options = { lazyConnect: true, maxRetriesPerRequest: null };
  const publishClient = new Redis(url, options);
  const subscribeClient = new Redis(url, options);
  await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return wrap(createPubSub({ eventTarget }), async () => {
    await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
  });
}

export function openPubSub(redisUrl: string | undefined): Promise<PubSub> {
  return redisUrl ? createRedisPubSub(redisUrl) : Promise.resolve(createMemoryPubSub());
}
