// The inbox's page in one SQL statement: the account's conversations with their contact and
// their last message joined, instead of the three statements Prisma makes (the page, then
// `User … IN (…)` and `Message … IN (…)`). The columns come from the generated client's field
// lists, so the statement follows the schema; rows come back shaped as Prisma would return them.
import { Prisma } from '../../generated/prisma/client.ts';
import type { Conversation, ConversationOrigin, ConversationState, Message, User } from '../../generated/prisma/client.ts';
import { accountAccessSql, type AccountAccessRow } from '../../platform/access.ts';
import type { Db } from '../../platform/db.ts';
import { hotRows } from '../../platform/hot-sql.ts';

export interface InboxFilterValues {
  accountId: string;
  /** only these states; else REQUEST only (`requests`) or everything but REQUEST */
  states?: ConversationState[] | null;
  requests?: boolean | null;
  unread?: boolean | null;
  starred?: boolean | null;
  assigneeId?: string | null;
  unassigned?: boolean | null;
  origins?: ConversationOrigin[] | null;
  /** conversations a click on this ad brought */
  adId?: string | null;
}

/** The window Pothos's connection asks for, in Prisma's terms (negative `take`: from the end). */
export interface PageWindow {
  take: number;
  skip?: number;
  cursor?: { id: string };
}

export type InboxRow = Conversation & { user: User; lastMessage: Message | null };

const columnsOf = (fields: Record<string, string>, alias: string, prefix: string) =>
  Object.keys(fields).map((name) => `${alias}."${name}" AS "${prefix}${name}"`);
const conversationFields = Object.keys(Prisma.ConversationScalarFieldEnum);
const userFields = Object.keys(Prisma.UserScalarFieldEnum);
const messageFields = Object.keys(Prisma.MessageScalarFieldEnum);
const selectList = Prisma.raw(
  [
    ...conversationFields.map((name) => `c."${name}"`),
    ...columnsOf(Prisma.UserScalarFieldEnum, 'u', 'u.'),
    ...columnsOf(Prisma.MessageScalarFieldEnum, 'm', 'm.'),
  ].join(', '),
);

function conditions(filter: InboxFilterValues): Prisma.Sql[] {
  const where = [Prisma.sql`c."accountId" = ${filter.accountId}::uuid`];
  if (filter.states?.length) where.push(Prisma.sql`c.state::text = ANY(${filter.states}::text[])`);
  else if (filter.requests) where.push(Prisma.sql`c.state = 'REQUEST'`);
  else where.push(Prisma.sql`c.state <> 'REQUEST'`);
  if (filter.unread != null) where.push(Prisma.sql`c.unread = ${filter.unread}`);
  if (filter.starred != null) where.push(Prisma.sql`c.starred = ${filter.starred}`);
  if (filter.unassigned) where.push(Prisma.sql`c."assigneeId" IS NULL`);
  else if (filter.assigneeId) where.push(Prisma.sql`c."assigneeId" = ${filter.assigneeId}::uuid`);
  if (filter.origins?.length) where.push(Prisma.sql`c.origin::text = ANY(${filter.origins}::text[])`);
  if (filter.adId) where.push(Prisma.sql`EXISTS (SELECT 1 FROM "AdConversation" ac WHERE ac."conversationId" = c.id AND ac."adId" = ${filter.adId}::uuid)`);
  return where;
}

/** [field, column] pairs of a prefixed column list (the prefixed names built once, not per row) */
const keysOf = (fields: string[], prefix: string) => fields.map((name) => [name, prefix + name] as const);
const conversationKeys = keysOf(conversationFields, '');
const userKeys = keysOf(userFields, 'u.');
const messageKeys = keysOf(messageFields, 'm.');

function pick(row: Record<string, unknown>, keys: (readonly [string, string])[]) {
  const out: Record<string, unknown> = {};
  for (const [name, column] of keys) out[name] = row[column];
  return out;
}

/** The page's statement (see inboxPage), rows in the reading direction. */
function pageSql(filter: InboxFilterValues, window: PageWindow): Prisma.Sql {
  const backwards = window.take < 0;
  const where = conditions(filter);
  if (window.cursor) {
    // rows at or past the cursor's row in the reading direction (an unknown cursor: no rows)
    const position = Prisma.sql`(SELECT k."lastMessageAt", k.id FROM "Conversation" k WHERE k.id = ${window.cursor.id}::uuid)`;
    where.push(backwards ? Prisma.sql`(c."lastMessageAt", c.id) >= ${position}` : Prisma.sql`(c."lastMessageAt", c.id) <= ${position}`);
  }
  const order = backwards ? Prisma.sql`c."lastMessageAt" ASC, c.id ASC` : Prisma.sql`c."lastMessageAt" DESC, c.id DESC`;
  return Prisma.sql`
    SELECT ${selectList}
    FROM "Conversation" c
    JOIN "User" u ON u.id = c."userId"
    LEFT JOIN "Message" m ON m.id = c."lastMessageId"
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${order}
    LIMIT ${Math.abs(window.take)} OFFSET ${window.skip ?? 0}`;
}

/** Rows of pageSql as Prisma would return them, in page order. */
function toPage(rows: Record<string, unknown>[], window: PageWindow): InboxRow[] {
  const page = rows.map((row) => {
    const conversation = pick(row, conversationKeys) as InboxRow;
    conversation.user = pick(row, userKeys) as User;
    conversation.lastMessage = row['m.id'] ? (pick(row, messageKeys) as Message) : null;
    return conversation;
  });
  return window.take < 0 ? page.reverse() : page;
}

/**
 * One page, newest activity first (`lastMessageAt`, then `id`, both descending), with Prisma's
 * cursor semantics: the rows from the cursor's position on, `skip` of them skipped; a negative
 * `take` reads backwards from the cursor and returns the rows in page order.
 */
export async function inboxPage(db: Db, filter: InboxFilterValues, window: PageWindow): Promise<InboxRow[]> {
  return toPage(await hotRows<Record<string, unknown>>(db, pageSql(filter, window)), window);
}

const accessFields = ['organizationId', 'membershipId', 'role', 'restricted', 'accountIds'] as const;
const accessList = Prisma.raw(accessFields.map((name) => `acc."${name}" AS "acc.${name}"`).join(', '));

/**
 * The viewer's access to the account (accountAccessSql) and the page, in one statement: the
 * caller decides with the access row whether the page may be shown. The page is read before
 * that decision and dropped when it goes against the viewer; no account, no row at all.
 */
export async function inboxPageWithAccess(db: Db, userId: string, filter: InboxFilterValues, window: PageWindow): Promise<{ access: AccountAccessRow | null; rows: InboxRow[] }> {
  const rows = await hotRows<Record<string, unknown>>(
    db,
    Prisma.sql`
    SELECT ${accessList}, p.*
    FROM (${accountAccessSql(userId, [filter.accountId])}) acc
    LEFT JOIN LATERAL (${pageSql(filter, window)}) p ON true`,
  );
  if (rows.length === 0) return { access: null, rows: [] };
  const access = Object.fromEntries(accessFields.map((name) => [name, rows[0][`acc.${name}`]])) as unknown as AccountAccessRow;
  return { access, rows: toPage(rows[0].id == null ? [] : rows, window) };
}
