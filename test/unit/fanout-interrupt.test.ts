// The local fan-out when its source may have lost events: subscribers that cannot fill the
// gap receive what was already queued, then the error, and leave their channel; replayable
// ones keep receiving; new subscriptions are refused until the source resumes.
import { Repeater } from '@repeaterjs/repeater';
import { describe, expect, it } from 'vitest';
import { createFanout } from '../../src/platform/fanout.ts';

function source() {
  const pushes = new Map<string, (value: string) => void>();
  const open = new Set<string>();
  const fanout = createFanout<string>((topic, id) => {
    const key = `${topic}:${id}`;
    open.add(key);
    return new Repeater<string>(async (push, stop) => {
      pushes.set(key, (value) => void push(value));
      await stop;
      open.delete(key);
    })[Symbol.asyncIterator]();
  });
  const publish = (key: string, value: string) => pushes.get(key)!(value);
  return { fanout, publish, open };
}

const interruption = () => new Error('STREAM_INTERRUPTED');
const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('fan-out interruption', () => {
  it('ends plain subscribers after what they had received, keeps replayable ones, and refuses new ones until resumed', async () => {
    const { fanout, publish, open } = source();
    const plain = fanout.subscribe('inbox', 'a');
    const waiting = fanout.subscribe('inbox', 'a');
    const replayable = fanout.subscribe('inbox', 'a', { replayable: true });
    const pendingNext = waiting.next();
    await tick();
    publish('inbox:a', 'one');
    await tick();
    expect(await pendingNext).toEqual({ value: 'one', done: false });

    fanout.interrupt(interruption);
    // `plain` had 'one' queued: it gets it, then the error, then nothing
    expect(await plain.next()).toEqual({ value: 'one', done: false });
    await expect(plain.next()).rejects.toThrow('STREAM_INTERRUPTED');
    expect(await plain.next()).toEqual({ value: undefined, done: true });
    await expect(waiting.next()).rejects.toThrow('STREAM_INTERRUPTED');

    // new plain subscriptions are refused; replayable ones start
    await expect(fanout.subscribe('inbox', 'a').next()).rejects.toThrow('STREAM_INTERRUPTED');
    const lateReplayable = fanout.subscribe('inbox', 'a', { replayable: true });
    expect(await replayable.next()).toEqual({ value: 'one', done: false });
    publish('inbox:a', 'two');
    expect(await replayable.next()).toEqual({ value: 'two', done: false });
    expect(await lateReplayable.next()).toEqual({ value: 'two', done: false });

    fanout.resume();
    const fresh = fanout.subscribe('inbox', 'a');
    publish('inbox:a', 'three');
    expect(await fresh.next()).toEqual({ value: 'three', done: false });
    await Promise.all([fresh, replayable, lateReplayable].map((s) => s.return!()));
    await tick();
    expect(open.size).toBe(0);
  });

  it('releases the source of a channel whose subscribers were all interrupted', async () => {
    const { fanout, open } = source();
    const subscriber = fanout.subscribe('conversation', 'c');
    await tick();
    expect(open.has('conversation:c')).toBe(true);
    fanout.interrupt(interruption);
    await expect(subscriber.next()).rejects.toThrow('STREAM_INTERRUPTED');
    await tick();
    expect(open.size).toBe(0);
  });
});
