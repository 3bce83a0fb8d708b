// Events raised inside a transaction are published only after it commits, so subscribers
// never hear of a change that was rolled back.
import type { PubSub, Topic, TopicPayloads } from './pubsub.ts';

export class PendingEvents {
  private readonly items: { topic: Topic; id: string; payload: unknown }[] = [];

  add<T extends Topic>(topic: T, id: string, payload: TopicPayloads[T]): void {
    this.items.push({ topic, id, payload });
  }

  publishTo(pubsub: PubSub): void {
    for (const item of this.items.splice(0)) pubsub.publish(item.topic, item.id, item.payload as never);
  }
}
