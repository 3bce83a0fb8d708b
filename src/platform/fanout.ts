// Local fan-out: one underlying subscription per `topic:id` on this instance, shared by every
// local subscriber. A live room has thousands of viewers on one instance; giving each its own
// pub/sub listener and Repeater cost a listener call, a Repeater push and several promises per
// viewer per event. A `LocalSubscription` is a plain queue whose return() ends a waiting
// next() at once (a subscriber that leaves is released immediately, not at the next event).

/** Opens the underlying stream of one topic:id; one pump iterates it for all local subscribers. */
export type Open<T> = (topic: string, id: string) => AsyncIterator<T>;

class LocalSubscription<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private done = false;

  constructor(private readonly leave: (subscription: LocalSubscription<T>) => void) {}

  push(value: T): void {
    if (this.done) return;
    const waiting = this.waiting;
    if (!waiting) {
      this.queue.push(value);
      return;
    }
    this.waiting = undefined;
    waiting({ value, done: false });
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.queue.length = 0;
    this.leave(this);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

interface Channel<T> {
  subscribers: Set<LocalSubscription<T>>;
  upstream: AsyncIterator<T>;
}

export function createFanout<T>(open: Open<T>) {
  const channels = new Map<string, Channel<T>>();

  const openChannel = (key: string, topic: string, id: string): Channel<T> => {
    const channel: Channel<T> = { subscribers: new Set(), upstream: open(topic, id) };
    channels.set(key, channel);
    void (async () => {
      try {
        for (;;) {
          const next = await channel.upstream.next();
          if (next.done) break;
          for (const subscriber of channel.subscribers) subscriber.push(next.value);
        }
      } finally {
        // the source ended (pub/sub closed): so do its subscribers
        if (channels.get(key) === channel) channels.delete(key);
        for (const subscriber of channel.subscribers) subscriber.end();
      }
    })();
    return channel;
  };

  return {
    subscribe(topic: string, id: string): AsyncIterableIterator<T> {
      const key = `${topic}:${id}`;
      const channel = channels.get(key) ?? openChannel(key, topic, id);
      const subscription = new LocalSubscription<T>((leaving) => {
        channel.subscribers.delete(leaving);
        if (channel.subscribers.size > 0 || channels.get(key) !== channel) return;
        // the last local subscriber left: drop the underlying subscription
        channels.delete(key);
        void channel.upstream.return?.()?.catch(() => {});
      });
      channel.subscribers.add(subscription);
      return subscription;
    },
  };
}
