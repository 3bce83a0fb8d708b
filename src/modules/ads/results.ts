// Per-ad results: daily rollup rows moved in the transaction of the event that changes them
// (a click, a conversation's start, the team's first reply, a lead, a spend report), so every
// figure is exact under concurrency; reads sum a date range of rollups, never raw events.
import { Prisma } from '../../generated/prisma/client.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { badInput } from '../../platform/errors.ts';

export type AdFigure = 'clicks' | 'conversationsStarted' | 'firstReplies' | 'leads' | 'spendMinor';
const columns: Record<AdFigure, Prisma.Sql> = {
  clicks: Prisma.sql`"clicks"`,
  conversationsStarted: Prisma.sql`"conversationsStarted"`,
  firstReplies: Prisma.sql`"firstReplies"`,
  leads: Prisma.sql`"leads"`,
  spendMinor: Prisma.sql`"spendMinor"`,
};

/** The UTC calendar day of an instant (results are kept per UTC day). */
export const utcDay = (at: Date): Date => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));

/** Adds `by` to one figure of an ad's day, creating the day's row on first use. */
export async function bumpAdResult(tx: Tx, adId: string, day: Date, figure: AdFigure, by: number): Promise<void> {
  if (by === 0) return;
  const column = columns[figure];
  await tx.$executeRaw`
    INSERT INTO "AdDailyResult" ("adId", "day", ${column}) VALUES (${adId}::uuid, ${day}::date, ${by})
    ON CONFLICT ("adId", "day") DO UPDATE SET ${column} = "AdDailyResult".${column} + EXCLUDED.${column}`;
}

export interface AdDayResult {
  day: string;
  clicks: number;
  conversationsStarted: number;
  firstReplies: number;
  leads: number;
  spendMinor: number;
}

export interface AdResults extends Omit<AdDayResult, 'day'> {
  from: string;
  to: string;
  currency: string;
  /** spend ÷ conversations started, in minor units (rounded); null when none started */
  costPerConversationMinor: number | null;
  days: AdDayResult[];
}

/** At most this many days per results query (one year, leap day included). */
export const MAX_RESULT_DAYS = 366;

/** An ad's figures over [from, to] (UTC calendar days, both included), per day with empty days as zeros. */
export async function adResults(db: Db, adId: string, from: string, to: string): Promise<AdResults> {
  const start = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  const dayCount = Math.round((end.getTime() - start.getTime()) / 86_400_000) + 1;
  if (dayCount < 1) throw badInput('The range ends before it starts.');
  if (dayCount > MAX_RESULT_DAYS) throw badInput(`Results cover at most ${MAX_RESULT_DAYS} days per query.`);
  const [ad, rows] = await Promise.all([
    db.ad.findUniqueOrThrow({ where: { id: adId }, select: { currency: true } }),
    db.adDailyResult.findMany({ where: { adId, day: { gte: start, lte: end } }, orderBy: { day: 'asc' } }),
  ]);
  const byDay = new Map(rows.map((row) => [row.day.toISOString().slice(0, 10), row]));
  const days: AdDayResult[] = [];
  for (let i = 0; i < dayCount; i++) {
    const day = new Date(start.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    const row = byDay.get(day);
    days.push({
      day,
      clicks: row?.clicks ?? 0,
      conversationsStarted: row?.conversationsStarted ?? 0,
      firstReplies: row?.firstReplies ?? 0,
      leads: row?.leads ?? 0,
      spendMinor: row?.spendMinor ?? 0,
    });
  }
  const sum = (figure: AdFigure) => days.reduce((total, d) => total + d[figure], 0);
  const conversationsStarted = sum('conversationsStarted');
  const spendMinor = sum('spendMinor');
  return {
    from,
    to,
    currency: ad.currency,
    clicks: sum('clicks'),
    conversationsStarted,
    firstReplies: sum('firstReplies'),
    leads: sum('leads'),
    spendMinor,
    costPerConversationMinor: conversationsStarted > 0 ? Math.round(spendMinor / conversationsStarted) : null,
    days,
  };
}
