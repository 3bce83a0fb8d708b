// The per-session event log. An event is appended in the transaction of the change that
// caused it, numbered by a row-locked counter on the session (no gaps: a rolled-back
// transaction gives its number back), and announced on the `live` topic after commit.
import type { LiveEvent, Prisma } from '../../generated/prisma/client.ts';
import type { LiveEventType } from '../../generated/prisma/enums.ts';
import type { Db, Tx } from '../../platform/db.ts';
import type { PendingEvents } from '../../platform/events.ts';
import './events.ts';

export async function appendEvent(tx: Tx, events: PendingEvents, sessionId: string, type: LiveEventType, payload: Prisma.InputJsonValue, at: Date): Promise<number> {
  const [{ lastSeq }] = await tx.$queryRaw<{ lastSeq: number }[]>`
    UPDATE "LiveSession" SET "lastSeq" = "lastSeq" + 1 WHERE id = ${sessionId}::uuid RETURNING "lastSeq"`;
  await tx.liveEvent.create({ data: { sessionId, seq: lastSeq, type, payload, createdAt: at } });
  events.add('live', sessionId, { sessionId, seq: lastSeq, type, payload, at: at.toISOString() });
  return lastSeq;
}

/** Events with afterSeq < seq <= upToSeq, in order. */
export function loadEvents(db: Db, sessionId: string, afterSeq: number, upToSeq?: number, limit = 1000): Promise<LiveEvent[]> {
  return db.liveEvent.findMany({
    where: { sessionId, seq: { gt: afterSeq, ...(upToSeq !== undefined ? { lte: upToSeq } : {}) } },
    orderBy: { seq: 'asc' },
    take: limit,
  });
}
