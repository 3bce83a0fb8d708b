// CSV download of leads: a mutation hands out a short-lived signed URL; GET on it streams
// the CSV page by page (keyset pagination over the (accountId, createdAt, id) index), so
// memory stays flat whatever the row count.
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LeadFilter } from './service.ts';
import { exportPage, type ExportCursor, type ExportRow } from './export-query.ts';
import { stringify } from 'csv-stringify/sync';
import { neutraliseCell, questionLabels, questionOrder, type Answer } from './rules.ts';
import { createAccess, managerRoles } from '../../platform/access.ts';
import type { AppServices } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { refuse } from '../../platform/errors.ts';
import { withTightHeapGrowth } from '../../platform/heap-growth.ts';

export const EXPORT_WINDOW_DAYS = 90;
export const EXPORT_LINK_TTL = '10m';
const PURPOSE = 'lead-export';
const DAY = 86_400_000;
export const EXPORT_PAGE_SIZE = 1000;

export interface ExportRequest {
  accountId: string;
  from?: Date | null;
  to?: Date | null;
  filter?: LeadFilter;
}

/** Validates the range (at most the last 90 days) and signs a download link. */
export async function createExportLink(services: AppServices, userId: string, request: ExportRequest) {
  const now = services.clock.now();
  const earliest = new Date(now.getTime() - EXPORT_WINDOW_DAYS * DAY);
  const from = request.from ?? earliest;
  // no end given: everything up to the moment of download
  const to = request.to ?? null;
  if (from < earliest) refuse('EXPORT_RANGE_TOO_LONG', ['from'], `Exports cover at most the last ${EXPORT_WINDOW_DAYS} days: from must be on or after ${earliest.toISOString()}.`);
  if (to && to <= from) refuse('INVALID', ['to'], 'to must be after from.');
  const expiresAt = new Date(now.getTime() + 10 * 60_000);
  // the filter's own time range narrows the window (it never widens it)
  const { submittedAfter, submittedBefore, ...filter } = request.filter ?? {};
  const start = submittedAfter && submittedAfter > from ? submittedAfter : from;
  const end = submittedBefore && (!to || submittedBefore < to) ? submittedBefore : to;
  const claims = { accountId: request.accountId, userId, from: start.toISOString(), to: end?.toISOString() ?? null, filter };
  const token = await services.auth.signLink(PURPOSE, claims, EXPORT_LINK_TTL);
  return { url: `${services.publicUrl()}/exports/leads.csv?token=${encodeURIComponent(token)}`, expiresAt, from, to };
}

const columns = ['Submitted at', 'Source', 'Form', 'Status', 'Assignee', ...questionOrder.map((q) => questionLabels[q]), 'Video ID', 'Live session ID', 'Lead ID'];
// a whole page at a time through csv-stringify: one string and one socket write per page, not
// a stream transform and a write per row
const csvText = (records: string[][]) => stringify(records, { cast: { string: neutraliseCell } });
const answerIndex = new Map(questionOrder.map((question, index) => [question, index]));

/** One CSV record (columns above); an answer to a question asked twice keeps the last, as a Map would. */
function csvRow(lead: ExportRow): string[] {
  const answers: string[] = questionOrder.map(() => '');
  for (const { question, answer } of (typeof lead.answers === 'string' ? JSON.parse(lead.answers) : lead.answers) as Answer[]) {
    const index = answerIndex.get(question);
    if (index !== undefined) answers[index] = answer ?? '';
  }
  return [lead.createdAt.toISOString(), lead.source, lead.formName, lead.status, lead.assigneeHandle ?? '', ...answers, lead.postId ?? '', lead.liveSessionId ?? '', lead.id];
}

/**
 * The next page as CSV text, and where the page after it starts (null after the last). A
 * function of its own so that the page's rows are garbage before the wait for the socket.
 */
async function nextChunk(db: Db, accountId: string, filter: LeadFilter, cursor: ExportCursor | null): Promise<{ text: string; next: ExportCursor | null }> {
  const page = await exportPage(db, accountId, filter, cursor, EXPORT_PAGE_SIZE);
  const text = page.length ? csvText(page.map(csvRow)) : '';
  const last = page[page.length - 1];
  return { text, next: page.length < EXPORT_PAGE_SIZE ? null : { createdAt: last.createdAt, id: last.id } };
}

/** GET /exports/leads.csv?token=… */
export function leadExportRoute(services: AppServices) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname !== '/exports/leads.csv') return false;
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return true;
    }
    const claims = await services.auth.verifyLink(PURPOSE, url.searchParams.get('token') ?? '');
    if (!claims) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('This download link is invalid or has expired. Request a new export.');
      return true;
    }
    const accountId = String(claims.accountId);
    // the link is a capability, but the holder must still be allowed to export
    const access = createAccess(services.db, { userId: String(claims.userId), subject: '', handle: '', roles: new Set() });
    if (!(await access.hasAccountRole(accountId, managerRoles))) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Only owners and admins of this account can download leads.');
      return true;
    }
    const account = await services.db.businessAccount.findUniqueOrThrow({ where: { id: accountId }, select: { handle: true } });
    const filter = claims.filter as Omit<LeadFilter, 'submittedAfter' | 'submittedBefore'>;
    const from = new Date(String(claims.from));
    const to = claims.to ? new Date(String(claims.to)) : null;

    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="leads-${account.handle}-${(to ?? services.clock.now()).toISOString().slice(0, 10)}.csv"`,
      'cache-control': 'no-store',
    });
    // a BOM lets spreadsheet apps detect UTF-8 (CJK answers)
    res.write('\uFEFF' + csvText([columns]));
    // one listener for the whole download (not one per wait for 'drain')
    const closed = new AbortController();
    res.once('close', () => closed.abort());
    const where = { ...filter, submittedAfter: from, submittedBefore: to };
    let cursor: ExportCursor | null = null;
    try {
      await withTightHeapGrowth(async () => {
        do {
          const chunk = await nextChunk(services.db, accountId, where, cursor);
          if (chunk.text && !res.write(chunk.text)) await once(res, 'drain', { signal: closed.signal }).catch(() => undefined);
          cursor = chunk.next;
        } while (cursor && !closed.signal.aborted);
      });
    } catch (error) {
      // the 200 is already sent: cut the connection so that a failed export can never pass
      // for a complete (truncated) file, then let the server log the fault
      res.destroy();
      throw error;
    }
    res.end();
    return true;
  };
}
