// The per-session event log. An event is appended in the transaction of the change that
// caused it, numbered by a row-locked counter on the session (no gaps: a rolled-back
// transaction gives its number back), and announced on the `live` topic after commit.
import type { LiveEvent, Prisma } from '../../generated/prisma/client.ts';
import type { LiveEventType } from '../../generated/prisma/enums.ts';
import type { Db, Tx } from '../../platform/db.ts';
import type { PendingEvents } from '../../platform/events.ts';
import './events.ts';

export async function appendEvent(tx: Tx, events: PendingEvents, sessionId: string, type: LiveEventType, payload: Prisma.InputJsonValue, at: Date): Promise<number> {
  // one statement: the session row stays locked from taking the number until COMMIT, so the
  // shorter the rest of the transaction, the more events a session can take per second
  // (timestamps are stored as UTC timestamp(3): an ISO string cast, not a zone-shifted timestamptz)
  const [{ seq }] = await tx.$queryRaw<{ seq: number }[]>`
    WITH next AS (UPDATE "LiveSession" SET "lastSeq" = "lastSeq" + 1 WHERE id = ${sessionId}::uuid RETURNING "lastSeq")
    INSERT INTO "LiveEvent" ("sessionId", "seq", "type", "payload", "createdAt")
    SELECT ${sessionId}::uuid, "lastSeq", ${type}::"LiveEventType", ${JSON.stringify(payload)}::jsonb, ${at.toISOString()}::timestamp(3) FROM next
    RETURNING "seq"`;
  events.add('live', sessionId, { sessionId, seq, type, payload, at: at.toISOString() });
  return seq;
}

/** Events with afterSeq < seq <= upToSeq, in order. */
export function loadEvents(db: Db, sessionId: string, afterSeq: number, upToSeq?: number, limit = 1000): Promise<LiveEvent[]> {
  return db.liveEvent.findMany({
    where: { sessionId, seq: { gt: afterSeq, ...(upToSeq !== undefined ? { lte: upToSeq } : {}) } },
    orderBy: { seq: 'asc' },
    take: limit,
  });
}
