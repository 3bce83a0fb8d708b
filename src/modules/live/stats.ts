// Live statistics (viewers, messages, leads, sales so far), aggregated in SQL.
import type { Tx } from '../../platform/db.ts';
import { presentViewers } from './viewer-count.ts';

export interface LiveStats {
  viewers: number;
  peakViewers: number;
  messages: number;
  leads: number;
  orders: number;
  units: number;
  /** one total per currency, in minor units */
  sales: { currency: string; amountMinor: number }[];
}

/** The stats at `now` (viewers count only through instances alive at that time; none once ended). */
export async function computeStats(tx: Tx, sessionId: string, now: Date): Promise<LiveStats> {
  const [session, viewers, messages, leads, sales] = await Promise.all([
    tx.liveSession.findUniqueOrThrow({ where: { id: sessionId }, select: { state: true, peakViewers: true } }),
    presentViewers(tx, sessionId, now),
    tx.message.count({ where: { liveSessionId: sessionId, direction: 'INBOUND' } }),
    tx.lead.count({ where: { liveSessionId: sessionId } }),
    tx.liveOrder.groupBy({ by: ['currency'], where: { sessionId }, _sum: { amountMinor: true, units: true }, _count: { _all: true }, orderBy: { currency: 'asc' } }),
  ]);
  return {
    viewers: session.state === 'ENDED' ? 0 : viewers,
    peakViewers: session.peakViewers,
    messages,
    leads,
    orders: sales.reduce((n, s) => n + s._count._all, 0),
    units: sales.reduce((n, s) => n + (s._sum.units ?? 0), 0),
    sales: sales.map((s) => ({ currency: s.currency, amountMinor: s._sum.amountMinor ?? 0 })),
  };
}
