// Live statistics (viewers, messages, leads, sales so far), aggregated in SQL.
import type { Tx } from '../../platform/db.ts';

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

export async function computeStats(tx: Tx, sessionId: string): Promise<LiveStats> {
  const [session, messages, leads, sales] = await Promise.all([
    tx.liveSession.findUniqueOrThrow({ where: { id: sessionId }, select: { viewerCount: true, peakViewers: true } }),
    tx.message.count({ where: { liveSessionId: sessionId, direction: 'INBOUND' } }),
    tx.lead.count({ where: { liveSessionId: sessionId } }),
    tx.liveOrder.groupBy({ by: ['currency'], where: { sessionId }, _sum: { amountMinor: true, units: true }, _count: { _all: true }, orderBy: { currency: 'asc' } }),
  ]);
  return {
    viewers: session.viewerCount,
    peakViewers: session.peakViewers,
    messages,
    leads,
    orders: sales.reduce((n, s) => n + s._count._all, 0),
    units: sales.reduce((n, s) => n + (s._sum.units ?? 0), 0),
    sales: sales.map((s) => ({ currency: s.currency, amountMinor: s._sum.amountMinor ?? 0 })),
  };
}
