// CSV download of leads: a mutation hands out a short-lived signed URL; GET on it streams
// the CSV page by page (keyset pagination over the (accountId, createdAt, id) index), so
// memory stays flat whatever the row count.
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify } from 'csv-stringify';
import type { LeadFilter } from './service.ts';
import { leadWhere } from './service.ts';
import { neutraliseCell, questionLabels, questionOrder, type Answer } from './rules.ts';
import { createAccess, managerRoles } from '../../platform/access.ts';
import type { AppServices } from '../../platform/context.ts';
import { refuse } from '../../platform/errors.ts';

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
    const where = leadWhere(accountId, { ...filter, submittedAfter: from, submittedBefore: to });

    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="leads-${account.handle}-${(to ?? services.clock.now()).toISOString().slice(0, 10)}.csv"`,
      'cache-control': 'no-store',
    });
    res.write('\uFEFF'); // lets spreadsheet apps detect UTF-8 (CJK answers)
    const csv = stringify({ header: true, columns, cast: { string: neutraliseCell } });
    csv.pipe(res);
    // one listener for the whole download (not one per wait for 'drain')
    const closed = new AbortController();
    res.once('close', () => closed.abort());
    let cursor: { createdAt: Date; id: string } | null = null;
    try {
      while (!closed.signal.aborted) {
        const page: {
          id: string;
          createdAt: Date;
          source: string;
          status: string;
          answers: unknown;
          postId: string | null;
          liveSessionId: string | null;
          form: { name: string };
          assignee: { handle: string } | null;
        }[] = await services.db.lead.findMany({
          // (createdAt, id) < cursor; the redundant `createdAt <= cursor` bounds the index scan,
          // so each page starts where the last one ended instead of re-reading it
          where: cursor
            ? { AND: [where, { createdAt: { lte: cursor.createdAt } }, { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }] }
            : where,
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: EXPORT_PAGE_SIZE,
          select: { id: true, createdAt: true, source: true, status: true, answers: true, postId: true, liveSessionId: true, form: { select: { name: true } }, assignee: { select: { handle: true } } },
        });
        for (const lead of page) {
          const answers = new Map((lead.answers as Answer[]).map((a) => [a.question, a.answer]));
          const row = [
            lead.createdAt.toISOString(),
            lead.source,
            lead.form.name,
            lead.status,
            lead.assignee?.handle ?? '',
            ...questionOrder.map((q) => answers.get(q) ?? ''),
            lead.postId ?? '',
            lead.liveSessionId ?? '',
            lead.id,
          ];
          if (!csv.write(row)) await once(csv, 'drain', { signal: closed.signal }).catch(() => undefined);
        }
        if (page.length < EXPORT_PAGE_SIZE) break;
        const last = page[page.length - 1];
        cursor = { createdAt: last.createdAt, id: last.id };
      }
    } catch (error) {
      // the 200 is already sent: cut the connection so that a failed export can never pass
      // for a complete (truncated) file, then let the server log the fault
      csv.unpipe(res);
      csv.destroy();
      res.destroy();
      throw error;
    }
    csv.end();
    return true;
  };
}
