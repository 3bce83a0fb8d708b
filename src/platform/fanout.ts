// Local fan-out: one underlying subscription per `topic:id` on this instance, shared by every
// local subscriber. A live room has thousands of viewers on one instance; giving each its own
// pub/sub listener and Repeater cost a listener call, a Repeater push and several promises per
// viewer per event. A `LocalSubscription` is a plain queue whose return() ends a waiting
// next() at once (a subscriber that leaves is released immediately, not at the next event).
// When the source may have lost events (the Redis connection dropped), `interrupt` ends every
// subscriber that cannot fill the gap itself with an error; replayable ones keep going.

/** Opens the underlying stream of one topic:id; one pump iterates it for all local subscribers. */
export type Open<T> = (topic: string, id: string) => AsyncIterator<T>;

export interface SubscribeOptions {
  /**
   * The subscriber fills its own gaps from the database (the live host stream replays its
   * event log): a lost pub/sub connection does not end it. Every other subscription ends with
   * STREAM_INTERRUPTED, and none starts while the connection is down.
   */
  replayable?: boolean;
}

class LocalSubscription<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  private done = false;
  /** delivered after the queued events, then the subscription is done */
  private failure: unknown;

  constructor(
    private readonly leave: (subscription: LocalSubscription<T>) => void,
    readonly replayable = false,
  ) {}

  push(value: T): void {
    if (this.done) return;
    const waiting = this.waiting;
    if (!waiting) {
      this.queue.push(value);
      return;
    }
    this.waiting = undefined;
    waiting.resolve({ value, done: false });
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.queue.length = 0;
    this.leave(this);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ value: undefined, done: true });
  }

  /** Ends with `error` once the events already queued are consumed. */
  fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.failure = error;
    this.leave(this);
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) this.takeFailure(waiting.reject);
  }

  private takeFailure(reject: (error: unknown) => void): void {
    const failure = this.failure;
    this.failure = undefined;
    reject(failure);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.failure !== undefined) return new Promise((_resolve, reject) => this.takeFailure(reject));
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    this.failure = undefined;
    this.queue.length = 0;
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

  let interruptedBy: (() => unknown) | null = null;

  return {
    subscribe(topic: string, id: string, options: SubscribeOptions = {}): AsyncIterableIterator<T> {
      if (interruptedBy && !options.replayable) {
        // the source is down: this subscriber would miss events without knowing it
        const refused = new LocalSubscription<T>(() => {});
        refused.fail(interruptedBy());
        return refused;
      }
      const key = `${topic}:${id}`;
      const channel = channels.get(key) ?? openChannel(key, topic, id);
      const subscription = new LocalSubscription<T>((leaving) => {
        channel.subscribers.delete(leaving);
        if (channel.subscribers.size > 0 || channels.get(key) !== channel) return;
        // the last local subscriber left: drop the underlying subscription
        channels.delete(key);
        void channel.upstream.return?.()?.catch(() => {});
      }, options.replayable);
      channel.subscribers.add(subscription);
      return subscription;
    },
    /**
     * The source may have lost events and will until `resume()`: every subscriber that is not
     * replayable ends with the error `failure()` makes, and new ones are refused with it.
     */
    interrupt(failure: () => unknown): void {
      interruptedBy = failure;
      for (const channel of [...channels.values()]) {
        for (const subscriber of [...channel.subscribers]) if (!subscriber.replayable) subscriber.fail(failure());
      }
    },
    /** The source delivers every event again: subscriptions start as usual. */
    resume(): void {
      interruptedBy = null;
    },
  };
}
