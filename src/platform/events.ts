// Events raised inside a transaction are published only after it commits, so subscribers
// never hear of a change that was rolled back.
import type { PubSub, Topic, TopicPayloads } from './pubsub.ts';

export class PendingEvents {
  private readonly items: { topic: Topic; id: string; payload: unknown }[] = [];
  private readonly callbacks: (() => unknown)[] = [];

  /** Work to do once the transaction has committed (e.g. schedule throttled stats). */
  afterCommit(callback: () => unknown): void {
    this.callbacks.push(callback);
  }

  add<T extends Topic>(topic: T, id: string, payload: TopicPayloads[T]): void {
    this.items.push({ topic, id, payload });
  }

  publishTo(pubsub: PubSub): void {
    for (const item of this.items.splice(0)) pubsub.publish(item.topic, item.id, item.payload as never);
    for (const callback of this.callbacks.splice(0)) {
      void Promise.resolve()
        .then(callback)
        .catch((error) => console.error('after-commit work failed', error));
    }
  }
}
