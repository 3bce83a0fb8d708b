// The host stream: every event of a session after `afterSeq`, in sequence order, exactly
// once. It replays from the event log, then follows the `live` topic; a message that skips
// numbers makes it read the gap from the log first, and each runtime tick polls the log
// (a message published before this subscriber's Redis SUBSCRIBE took effect is found that
// way). Survives reconnects and restarts: the client resumes with the last seq it saw.
import type { LiveEvent } from '../../generated/prisma/client.ts';
import type { AppServices } from '../../platform/context.ts';
import { loadEvents } from './event-log.ts';
import type { LiveEventMessage } from './events.ts';
import { liveRuntime } from './runtime.ts';

export type StreamedEvent = Pick<LiveEvent, 'sessionId' | 'seq' | 'type' | 'payload' | 'createdAt'>;

const fromMessage = (m: LiveEventMessage): StreamedEvent => ({
  sessionId: m.sessionId,
  seq: m.seq,
  type: m.type as LiveEvent['type'],
  payload: m.payload as LiveEvent['payload'],
  createdAt: new Date(m.at),
});

export async function* hostStream(services: AppServices, sessionId: string, afterSeq: number | null): AsyncGenerator<StreamedEvent> {
  const queue: (StreamedEvent | 'poll')[] = [];
  let wake: (() => void) | null = null;
  const push = (item: StreamedEvent | 'poll') => {
    queue.push(item);
    wake?.();
    wake = null;
  };
  // subscribe before reading the log, so nothing falls between the two; the log fills any gap,
  // so a lost Redis connection does not end this stream (replayable)
  const live = services.pubsub.subscribe('live', sessionId, { replayable: true });
  const pump = (async () => {
    for await (const message of live) push(fromMessage(message));
  })();
  const stopPolling = liveRuntime(services).onTick(() => push('poll'));

  try {
    const session = await services.db.liveSession.findUniqueOrThrow({ where: { id: sessionId }, select: { lastSeq: true, state: true } });
    let last = afterSeq ?? session.lastSeq;
    // LIVE_ENDED is an ended session's last event: a console that saw it has nothing to wait for
    if (session.state === 'ENDED' && last >= session.lastSeq) return;
    const emitLog = async function* (upTo?: number) {
      for (;;) {
        const rows = await loadEvents(services.db, sessionId, last, upTo);
        for (const row of rows) {
          last = row.seq;
          yield row;
        }
        if (rows.length < 1000) return;
      }
    };
    for await (const row of emitLog()) {
      yield row;
      if (row.type === 'LIVE_ENDED') return;
    }
    for (;;) {
      if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const item = queue.shift()!;
      if (item === 'poll' || item.seq > last + 1) {
        // fill from the log: everything (poll) or up to just before this event
        for await (const row of emitLog(item === 'poll' ? undefined : item.seq - 1)) {
          yield row;
          if (row.type === 'LIVE_ENDED') return;
        }
        if (item === 'poll') continue;
      }
      if (item.seq <= last) continue; // already delivered (replayed or filled)
      last = item.seq;
      yield item;
      if (item.type === 'LIVE_ENDED') return;
    }
  } finally {
    stopPolling();
    await (live as AsyncIterator<unknown>).return?.();
    await pump.catch(() => {});
  }
}
