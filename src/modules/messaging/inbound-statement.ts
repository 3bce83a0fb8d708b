// The DM write path in one SQL statement. A user's message to a conversation that already has
// their earlier messages (the common case: a viewer chatting from a live room) is stored by a
// single statement, without an interactive transaction: it updates the conversation (taking its
// row lock and opening a new reply window), inserts the message, and carries the work of the
// other modules' inbound hooks as parts of the same statement (the live event numbered under
// the session's row lock, campaign rollups, the webhook outbox row). A statement is atomic, so
// everything commits together or nothing does, and the row locks are held only while it runs.
//
// A part may also decide some columns of the conversation's update (see `conversation`): a
// statement cannot update a row twice, so an automated reply riding in it sets the reply
// window's counter and the last message there, instead of updating the conversation again.
//
// Each part may assert a condition (see `assertion`): a false one aborts the whole statement
// with a division by zero, nothing is written, and the message takes the general path (an
// interactive transaction running every hook), which refuses it with the exact code (a live
// that ended meanwhile: LIVE_NOT_RUNNING) or handles what the fast path does not (an ad click
// that arrived meanwhile).
import { Prisma } from '../../generated/prisma/client.ts';
import type { Conversation, Message } from '../../generated/prisma/client.ts';
import type { Db } from '../../platform/db.ts';
import { hotRows } from '../../platform/hot-sql.ts';
import type { PendingEvents } from '../../platform/events.ts';
import type { Runtime } from '../../platform/runtime.ts';

/** What the one-statement path knows before writing (read by the pre-check, without locks). */
export interface InboundPlan {
  /** the conversation as the pre-check read it (its id never changes) */
  conversation: Pick<Conversation, 'id' | 'accountId' | 'userId' | 'origin' | 'adId'>;
  /** the message about to be stored, with its id and time */
  message: Message;
  senderHandle: string;
  now: Date;
  events: PendingEvents;
  runtime?: Runtime;
  /** values of the hooks' `probe` columns, by probe name */
  probes: Record<string, unknown>;
}

/** A hook's share of the statement. */
export interface StatementPart {
  /** CTEs (`name AS (…)`, comma-separated; prefix the names with the module's) */
  ctes?: Prisma.Sql;
  /** one result column: an expression over the CTEs (`conv` is the conversation after the update) */
  result?: Prisma.Sql;
  /** runs once the statement has committed, with the result column's value */
  after?: (value: unknown) => void;
  /**
   * Columns of the conversation's update this part decides instead of the inbound message's
   * defaults, as SQL expressions over the row before the update (one part per column).
   */
  conversation?: ConversationAssignments;
}

/** Columns of the `conv` update a part may set (the message's own are the defaults). */
export type ConversationAssignments = Partial<Record<'windowRepliesUsed' | 'lastMessageId' | 'lastMessageAt', Prisma.Sql>>;

/**
 * Several parts as one (a hook's share made of other modules' shares, e.g. an auto-reply and
 * its outbound hooks): their CTEs in order, their results as one JSON array, their afters
 * each with its own value (as JSON).
 */
export function mergeParts(parts: StatementPart[]): StatementPart {
  const withResult = parts.filter((part) => part.result);
  const ctes = parts.flatMap((part) => (part.ctes ? [part.ctes] : []));
  return {
    ctes: ctes.length ? Prisma.join(ctes, ', ') : undefined,
    result: withResult.length ? Prisma.sql`json_build_array(${Prisma.join(withResult.map((part) => part.result!), ', ')})` : undefined,
    after: (value) => {
      const values = (typeof value === 'string' ? JSON.parse(value) : value) as unknown[] | null;
      let next = 0;
      for (const part of parts) part.after?.(part.result ? values?.[next++] : undefined);
    },
    conversation: assignmentsOf(parts),
  };
}

/** The parts' conversation columns, refusing (a programming error) two parts that set the same one. */
function assignmentsOf(parts: StatementPart[]): ConversationAssignments {
  const assignments: ConversationAssignments = {};
  for (const part of parts) {
    for (const [column, value] of Object.entries(part.conversation ?? {}) as [keyof ConversationAssignments, Prisma.Sql][]) {
      if (assignments[column]) throw new Error(`two parts of the DM statement set "${column}" of the conversation`);
      assignments[column] = value;
    }
  }
  return assignments;
}

/**
 * What a hook does with a message on the one-statement path: a part, null when it has nothing
 * to do for this message, or 'transaction' when it needs the interactive path (a welcome, an
 * ad's away message).
 */
export type InStatement = (plan: InboundPlan) => StatementPart | null | 'transaction';

/** An automated message that rides in an inbound message's statement, as the outbound hooks see it. */
export interface OutboundPlan {
  conversation: InboundPlan['conversation'];
  /** the automated message as it will be stored */
  message: Message;
  now: Date;
  probes: Record<string, unknown>;
  /** true (in SQL) when the message is sent: the part's writes must depend on it (a veto may stop it) */
  sent: Prisma.Sql;
}

/** An outbound hook's share of the statement (null: nothing to do; 'transaction': it needs the interactive path). */
export type OutboundInStatement = (plan: OutboundPlan) => StatementPart | null | 'transaction';

/** A condition the statement must meet, as a result column: false aborts it (division by zero) and nothing is written. */
export const assertion = (condition: Prisma.Sql) => Prisma.sql`1 / (${condition})::int`;

/** PostgreSQL's division_by_zero: an assertion of the statement failed. */
export function isFailedAssertion(error: unknown): boolean {
  const e = error as { code?: string; message?: string; meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string; code?: string } } } };
  const cause = e?.meta?.driverAdapterError?.cause;
  return e?.meta?.code === '22012' || cause?.originalCode === '22012' || cause?.code === '22012' || /division by zero/.test(String(e?.message));
}

export const iso = (at: Date) => Prisma.sql`${at.toISOString()}::timestamp(3)`;

/**
 * Stores the message and runs the parts in one statement. Returns false when an assertion
 * failed (nothing was written): the caller takes the interactive path.
 */
export async function storeInOneStatement(db: Db, plan: InboundPlan, parts: StatementPart[]): Promise<boolean> {
  const { message: m, conversation: c, now } = plan;
  const ctes = parts.flatMap((part) => (part.ctes ? [part.ctes] : []));
  const set = { windowRepliesUsed: Prisma.sql`0`, lastMessageAt: iso(now), lastMessageId: Prisma.sql`${m.id}::uuid`, ...assignmentsOf(parts) };
  const results = parts.map((part, i) => (part.result ? Prisma.sql`, ${part.result} AS ${Prisma.raw(`"p${i}"`)}` : Prisma.empty));
  // the update re-checks, under the row lock, what the pre-check chose this path on: the user
  // wrote here before (no welcome, no referral); a closed conversation reopens
  const statement = Prisma.sql`
    WITH conv AS (
      UPDATE "Conversation" SET
        "lastUserMessageAt" = ${iso(now)}, "windowRepliesUsed" = ${set.windowRepliesUsed}, "unread" = true,
        "lastMessageAt" = ${set.lastMessageAt}, "lastMessageId" = ${set.lastMessageId},
        "state" = CASE WHEN "state" = 'CLOSED' THEN 'OPEN'::"ConversationState" ELSE "state" END,
        "closedAt" = CASE WHEN "state" = 'CLOSED' THEN NULL ELSE "closedAt" END,
        "liveSessionId" = COALESCE(${m.liveSessionId}::uuid, "liveSessionId")
      WHERE "id" = ${c.id}::uuid AND "lastUserMessageAt" IS NOT NULL
      RETURNING *
    ), msg AS (
      INSERT INTO "Message" ("id", "conversationId", "direction", "kind", "text", "postId", "stickerId", "senderId", "status", "suggestedQuestionIds", "liveSessionId", "idempotencyKey", "createdAt")
      SELECT ${m.id}::uuid, conv."id", 'INBOUND', ${m.kind}::"MessageKind", ${m.text}, ${m.postId}::uuid, ${m.stickerId}, ${m.senderId}::uuid, 'SENT', '{}', ${m.liveSessionId}::uuid, ${m.idempotencyKey}, ${iso(now)}
      FROM conv
      RETURNING "id"
    )${ctes.length ? Prisma.sql`, ${Prisma.join(ctes, ', ')}` : Prisma.empty}
    SELECT ${assertion(Prisma.sql`(SELECT count(*) FROM msg) = 1`)} AS "stored"${Prisma.join(results, '')}`;
  let row: Record<string, unknown>;
  try {
    [row] = await hotRows<Record<string, unknown>>(db, statement);
  } catch (error) {
    if (isFailedAssertion(error)) return false;
    throw error;
  }
  parts.forEach((part, i) => part.after?.(row[`p${i}`]));
  return true;
}
