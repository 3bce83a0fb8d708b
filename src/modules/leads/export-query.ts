// One page of the lead export as one SQL statement. Why not `lead.findMany`: Prisma runs the
// form and assignee relations as extra queries joined in JS and builds several objects per row
// in its query interpreter; at a million rows that garbage is most of the export's memory. The
// same filter as `leadWhere` (service.ts), written in SQL; PGlite and PostgreSQL alike.
import { Prisma } from '../../generated/prisma/client.ts';
import type { Db } from '../../platform/db.ts';
import type { LeadFilter } from './service.ts';

export interface ExportRow {
  id: string;
  createdAt: Date;
  source: string;
  status: string;
  /** [{ question, answer }] (JSON) */
  answers: unknown;
  postId: string | null;
  liveSessionId: string | null;
  formName: string;
  assigneeHandle: string | null;
}

export interface ExportCursor {
  createdAt: Date;
  id: string;
}

// timestamps are stored as UTC `timestamp(3)`: compare with an ISO string cast to timestamp
// (its zone suffix is ignored), never with a timestamptz that the session's time zone would shift
const at = (date: Date) => Prisma.sql`${date.toISOString()}::timestamp(3)`;

/** The WHERE conditions of `leadWhere(accountId, filter)`, for the `l` alias of "Lead". */
function conditions(accountId: string, filter: LeadFilter): Prisma.Sql[] {
  const where = [Prisma.sql`l."accountId" = ${accountId}::uuid`];
  if (filter.sources?.length) where.push(Prisma.sql`l."source" IN (${Prisma.join(filter.sources.map((s) => Prisma.sql`${s}::"LeadSource"`))})`);
  if (filter.statuses?.length) where.push(Prisma.sql`l."status" IN (${Prisma.join(filter.statuses.map((s) => Prisma.sql`${s}::"LeadStatus"`))})`);
  if (filter.completed === true) where.push(Prisma.sql`l."status" <> 'NEW'`);
  if (filter.completed === false) where.push(Prisma.sql`l."status" = 'NEW'`);
  if (filter.formId) where.push(Prisma.sql`l."formId" = ${filter.formId}::uuid`);
  if (filter.assigneeId) where.push(Prisma.sql`l."assigneeId" = ${filter.assigneeId}::uuid`);
  if (filter.submittedAfter) where.push(Prisma.sql`l."createdAt" >= ${at(filter.submittedAfter)}`);
  if (filter.submittedBefore) where.push(Prisma.sql`l."createdAt" < ${at(filter.submittedBefore)}`);
  return where;
}

/** Up to `limit` leads after `cursor`, newest first (keyset on (createdAt, id)). */
export function exportPage(db: Db, accountId: string, filter: LeadFilter, cursor: ExportCursor | null, limit: number): Promise<ExportRow[]> {
  const where = conditions(accountId, filter);
  if (cursor) {
    // (createdAt, id) < cursor; the redundant `createdAt <= cursor` bounds the index scan, so
    // each page starts where the last one ended instead of re-reading it
    where.push(Prisma.sql`l."createdAt" <= ${at(cursor.createdAt)}`);
    where.push(Prisma.sql`(l."createdAt" < ${at(cursor.createdAt)} OR (l."createdAt" = ${at(cursor.createdAt)} AND l."id" < ${cursor.id}::uuid))`);
  }
  return db.$queryRaw<ExportRow[]>`
    SELECT l."id", l."createdAt", l."source"::text AS "source", l."status"::text AS "status", l."answers", l."postId", l."liveSessionId",
           f."name" AS "formName", u."handle" AS "assigneeHandle"
    FROM "Lead" l
    JOIN "LeadForm" f ON f."id" = l."formId"
    LEFT JOIN "User" u ON u."id" = l."assigneeId"
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY l."createdAt" DESC, l."id" DESC
    LIMIT ${limit}`;
}
