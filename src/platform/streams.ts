// Subscription plumbing. Async generators cannot be stopped while they wait for their next
// item (return() queues behind the pending await), so a subscriber that leaves would hold
// its resources until the next event. `relay` stops at once.
import { Repeater } from '@repeaterjs/repeater';

export interface RelayOptions<T> {
  /** runs before each item; throwing ends the stream with that error */
  beforeEach?: (item: T) => Promise<void>;
  /** runs once when the stream ends for any reason */
  onStop?: () => Promise<unknown> | unknown;
}

export function relay<T>(source: AsyncIterable<T>, options: RelayOptions<T> = {}): AsyncIterableIterator<T> {
  return new Repeater<T>(async (push, stop) => {
    const iterator = source[Symbol.asyncIterator]();
    const stopped = stop.then(() => ({ done: true as const, value: undefined }));
    try {
      for (;;) {
        const result = await Promise.race([iterator.next(), stopped]);
        if (result.done) break;
        await options.beforeEach?.(result.value);
        await push(result.value);
      }
      stop();
    } catch (error) {
      stop(error);
    } finally {
      void iterator.return?.()?.catch?.(() => {});
      await options.onStop?.();
    }
  });
}
