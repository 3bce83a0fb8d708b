// A viewer's room stream: the room on joining, then each published change, ending after the
// room that says ENDED. A plain iterator rather than a generator or Repeater: with thousands
// of viewers per room, each layer of promises per viewer per change showed in the fan-out
// time, and return() must release the viewer at once even while next() waits.
import { shareable } from '../../platform/shared-results.ts';
import type { RoomSnapshot } from './room.ts';

export function roomStream(first: RoomSnapshot, updates: AsyncIterator<RoomSnapshot>, onStop: () => Promise<unknown>): AsyncIterableIterator<RoomSnapshot> {
  let sentFirst = false;
  let ended = false;
  let stopped: Promise<unknown> | undefined;
  const stop = () => (stopped ??= Promise.resolve(updates.return?.()).then(onStop, onStop));
  const done = async (): Promise<IteratorResult<RoomSnapshot>> => {
    await stop();
    return { value: undefined, done: true };
  };
  return {
    async next() {
      if (stopped || ended) return done();
      if (!sentFirst) {
        sentFirst = true;
        ended = first.state === 'ENDED';
        return { value: first, done: false };
      }
      let next;
      try {
        next = await updates.next();
      } catch (error) {
        // the updates were interrupted (STREAM_INTERRUPTED): leave the room, then say why
        await stop();
        throw error;
      }
      if (next.done || stopped) return done();
      ended = next.value.state === 'ENDED';
      // every viewer on this instance receives this same object: executed once for all of them
      return { value: shareable(next.value), done: false };
    },
    return: done,
    async throw(error: unknown) {
      await stop();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
