// Campaign performance, read from the rollups (never from raw orders): per campaign and
// organization, per registered session, and year-to-date by month. Money stays per currency.
import { Prisma } from '../../generated/prisma/client.ts';
import type { Db } from '../../platform/db.ts';

export interface CurrencyFigures {
  currency: string;
  gmvMinor: number;
  orders: number;
  itemsSold: number;
}

export interface Figures {
  /** one row per currency, by currency code */
  sales: CurrencyFigures[];
  orders: number;
  itemsSold: number;
  liveSessions: number;
  /** the highest peak of one attributed live */
  peakViewers: number;
  /** room joins summed over the attributed lives */
  totalViewers: number;
  viewerMessages: number;
  leads: number;
  /**
   * Counted events (lives, orders, DMs, leads): only ever grows, so it versions the figures.
   * Viewer counts are not part of it.
   */
  version: number;
}

interface ActivityRow {
  key: string;
  liveSessions: number;
  viewerMessages: number;
  leads: number;
  peakViewers: number;
  totalViewers: number;
}
interface SalesRow {
  key: string;
  currency: string;
  gmvMinor: bigint;
  orders: number;
  itemsSold: number;
}

export type Scope = { campaignId: string; organizationId: string } | { registeredSessionIds: readonly string[] };

function keyAndWhere(scope: Scope, alias: 'l' | 's') {
  const t = Prisma.raw(alias);
  if ('campaignId' in scope) {
    return { key: Prisma.sql`${t}."campaignId"::text`, where: Prisma.sql`${t}."campaignId" = ${scope.campaignId}::uuid AND ${t}."organizationId" = ${scope.organizationId}::uuid` };
  }
  return { key: Prisma.sql`${t}."registeredSessionId"::text`, where: Prisma.sql`${t}."registeredSessionId" = ANY(${[...scope.registeredSessionIds]}::uuid[])` };
}

const emptyFigures = (): Figures => ({ sales: [], orders: 0, itemsSold: 0, liveSessions: 0, peakViewers: 0, totalViewers: 0, viewerMessages: 0, leads: 0, version: 0 });

/** Figures per key of the scope (the campaign id, or each registered session id): two indexed statements. */
export async function figuresBy(db: Db, scope: Scope): Promise<Map<string, Figures>> {
  const activity = keyAndWhere(scope, 'l');
  const sales = keyAndWhere(scope, 's');
  const [activityRows, salesRows] = await Promise.all([
    db.$queryRaw<ActivityRow[]>`
      SELECT ${activity.key} AS "key", count(*)::int AS "liveSessions", sum(l."viewerMessages")::int AS "viewerMessages", sum(l."leads")::int AS "leads",
             max(v."peakViewers")::int AS "peakViewers", sum(v."totalViewers")::int AS "totalViewers"
      FROM "CampaignLive" l JOIN "LiveSession" v ON v.id = l."liveSessionId"
      WHERE ${activity.where} GROUP BY 1`,
    db.$queryRaw<SalesRow[]>`
      SELECT ${sales.key} AS "key", s."currency", sum(s."gmvMinor")::bigint AS "gmvMinor", sum(s."orders")::int AS "orders", sum(s."itemsSold")::int AS "itemsSold"
      FROM "CampaignLiveSales" s WHERE ${sales.where} GROUP BY 1, 2 ORDER BY 2`,
  ]);
  const result = new Map<string, Figures>();
  const at = (key: string) => result.get(key) ?? result.set(key, emptyFigures()).get(key)!;
  for (const row of activityRows) {
    Object.assign(at(row.key), { liveSessions: row.liveSessions, viewerMessages: row.viewerMessages, leads: row.leads, peakViewers: row.peakViewers, totalViewers: row.totalViewers });
  }
  for (const row of salesRows) {
    const figures = at(row.key);
    figures.sales.push({ currency: row.currency, gmvMinor: Number(row.gmvMinor), orders: row.orders, itemsSold: row.itemsSold });
    figures.orders += row.orders;
    figures.itemsSold += row.itemsSold;
  }
  for (const figures of result.values()) figures.version = figures.liveSessions + figures.orders + figures.viewerMessages + figures.leads;
  return result;
}

export async function campaignFigures(db: Db, campaignId: string, organizationId: string): Promise<Figures> {
  return (await figuresBy(db, { campaignId, organizationId })).get(campaignId) ?? emptyFigures();
}

export async function sessionFigures(db: Db, registeredSessionIds: readonly string[]): Promise<Figures[]> {
  const byId = await figuresBy(db, { registeredSessionIds });
  return registeredSessionIds.map((id) => byId.get(id) ?? emptyFigures());
}

/** Rounded to whole minor units; null without orders. */
export const averageOrderValue = (c: CurrencyFigures) => (c.orders > 0 ? Math.round(c.gmvMinor / c.orders) : null);

export interface MonthFigures {
  month: number;
  sales: CurrencyFigures[];
  orders: number;
  itemsSold: number;
  cumulativeSales: CurrencyFigures[];
  cumulativeOrders: number;
  cumulativeItemsSold: number;
}

/**
 * The organization's sales over its campaigns in `year`, month by month (UTC), with running
 * totals; every month is present, zeros included, and lists every currency of the year.
 */
export async function yearToDate(db: Db, organizationId: string, year: number): Promise<MonthFigures[]> {
  const rows = await db.$queryRaw<{ month: number; currency: string; gmvMinor: bigint; orders: number; itemsSold: number }[]>`
    SELECT extract(month FROM s."month")::int AS "month", s."currency", sum(s."gmvMinor")::bigint AS "gmvMinor", sum(s."orders")::int AS "orders", sum(s."itemsSold")::int AS "itemsSold"
    FROM "CampaignLiveSales" s
    WHERE s."organizationId" = ${organizationId}::uuid AND s."month" >= ${`${year}-01-01`}::date AND s."month" < ${`${year + 1}-01-01`}::date
    GROUP BY 1, 2`;
  const currencies = [...new Set(rows.map((r) => r.currency))].sort();
  const running = new Map(currencies.map((c) => [c, { currency: c, gmvMinor: 0, orders: 0, itemsSold: 0 }]));
  const months: MonthFigures[] = [];
  let cumulativeOrders = 0;
  let cumulativeItemsSold = 0;
  for (let month = 1; month <= 12; month++) {
    const sales = currencies.map((currency) => {
      const row = rows.find((r) => r.month === month && r.currency === currency);
      return { currency, gmvMinor: Number(row?.gmvMinor ?? 0), orders: row?.orders ?? 0, itemsSold: row?.itemsSold ?? 0 };
    });
    for (const s of sales) {
      const total = running.get(s.currency)!;
      total.gmvMinor += s.gmvMinor;
      total.orders += s.orders;
      total.itemsSold += s.itemsSold;
    }
    const orders = sales.reduce((n, s) => n + s.orders, 0);
    const itemsSold = sales.reduce((n, s) => n + s.itemsSold, 0);
    cumulativeOrders += orders;
    cumulativeItemsSold += itemsSold;
    months.push({ month, sales, orders, itemsSold, cumulativeSales: [...running.values()].map((t) => ({ ...t })), cumulativeOrders, cumulativeItemsSold });
  }
  return months;
}
