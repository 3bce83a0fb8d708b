// The per-session event log. An event is appended in the transaction of the change that
// caused it, numbered by a row-locked counter on the session (no gaps: a rolled-back
// transaction gives its number back), and announced on the `live` topic after commit.
import { Prisma, type LiveEvent } from '../../generated/prisma/client.ts';
import type { LiveEventType } from '../../generated/prisma/enums.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { refuse } from '../../platform/errors.ts';
import type { PendingEvents } from '../../platform/events.ts';
import './events.ts';

/**
 * The states a session must be in for an event of each type to be numbered. Viewers' DMs and
 * leads, stats and reminders belong to a running live; the host may prepare entries and
 * settings before it. Nothing is numbered once a session has ended, so LIVE_ENDED (appended
 * by the end itself, before the state changes) is always the last event.
 */
const numberedWhile: Record<LiveEventType, 'LIVE' | 'NOT_ENDED'> = {
  VIEWER_MESSAGE: 'LIVE',
  LEAD_SUBMITTED: 'LIVE',
  STATS: 'LIVE',
  REMINDER: 'LIVE',
  ENTRY_CHANGED: 'NOT_ENDED',
  SETTINGS_CHANGED: 'NOT_ENDED',
  LIVE_ENDED: 'NOT_ENDED',
};

/**
 * The SQL that numbers and stores an event: CTEs `<name>_seq` (the session's counter, row-locked,
 * taken only in a state that accepts the event) and `<name>` (the stored event, returning
 * "seq"). No row in `<name>` means the session refused it. Shared by `appendEvent` and the
 * one-statement DM path (messaging/inbound-statement.ts).
 */
export function numberedEventCtes(name: string, sessionId: string, type: LiveEventType, payload: Prisma.InputJsonValue, at: Date, condition: Prisma.Sql = Prisma.empty): Prisma.Sql {
  const liveOnly = numberedWhile[type] === 'LIVE';
  const seq = Prisma.raw(`"${name}_seq"`);
  // (timestamps are stored as UTC timestamp(3): an ISO string cast, not a zone-shifted timestamptz)
  return Prisma.sql`
    ${seq} AS (
      UPDATE "LiveSession" SET "lastSeq" = "lastSeq" + 1
      WHERE id = ${sessionId}::uuid AND state <> 'ENDED' AND (state = 'LIVE' OR NOT ${liveOnly}::boolean) ${condition}
      RETURNING "lastSeq"),
    ${Prisma.raw(`"${name}"`)} AS (
      INSERT INTO "LiveEvent" ("sessionId", "seq", "type", "payload", "createdAt")
      SELECT ${sessionId}::uuid, "lastSeq", ${type}::"LiveEventType", ${JSON.stringify(payload)}::jsonb, ${at.toISOString()}::timestamp(3) FROM ${seq}
      RETURNING "seq")`;
}

/** After commit, the event goes out on the session's `live` topic. */
export function announceEvent(events: PendingEvents, sessionId: string, seq: number, type: LiveEventType, payload: Prisma.InputJsonValue, at: Date) {
  events.add('live', sessionId, { sessionId, seq, type, payload, at: at.toISOString() });
}

/**
 * Appends an event, or refuses it (rolling back the whole transaction) when the session is
 * not in a state that takes it: LIVE_NOT_RUNNING for events of a running live, LIVE_ENDED for
 * the others. The state is checked by the statement that takes the number, under the row
 * lock, so a session that ends while this transaction waits for the lock refuses it.
 */
export async function appendEvent(
  tx: Tx,
  events: PendingEvents,
  sessionId: string,
  type: LiveEventType,
  payload: Prisma.InputJsonValue,
  at: Date,
  field: string[] | null = null,
): Promise<number> {
  // one statement: the session row stays locked from taking the number until COMMIT, so the
  // shorter the rest of the transaction, the more events a session can take per second
  const rows = await tx.$queryRaw<{ seq: number }[]>`WITH ${numberedEventCtes('event', sessionId, type, payload, at)} SELECT "seq" FROM "event"`;
  if (rows.length === 0) {
    refuse(numberedWhile[type] === 'LIVE' ? 'LIVE_NOT_RUNNING' : 'LIVE_ENDED', field);
  }
  const [{ seq }] = rows;
  announceEvent(events, sessionId, seq, type, payload, at);
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
