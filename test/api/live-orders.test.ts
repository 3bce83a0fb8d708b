// Sales made during a live (`liveOrderRecord`): amount in minor units, currency and units,
// idempotent by the shop's order id, only while live; they count in STATS per currency.
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.ts';
import { localId } from '../support/fixtures.ts';
import { endLive, expectRefused, liveApi, liveSuite, scheduleLive, startLive, watchHost, type LiveTeam } from '../support/live.ts';

let t: TestApp;
let team: LiveTeam;
liveSuite((app, liveTeam) => {
  [t, team] = [app, liveTeam];
});

const orders = (sessionId: string) => t.db.liveOrder.findMany({ where: { sessionId: localId(sessionId) }, orderBy: { createdAt: 'asc' } });

describe('liveOrderRecord', () => {
  it('records sales; the session’s stats and the next STATS total them per currency', async () => {
    const id = await startLive(team.owner, team.shop);
    const host = watchHost(team.as('analyst'), id, 1);
    const api = liveApi(team.as('agent'));
    const first = await api.recordOrder(id, { amountMinor: 2500, currency: 'EUR', units: 2, externalId: 'shop-1001' });
    expect(first.userErrors).toEqual([]);
    expect(first.orderId).toEqual(expect.any(String));
    await api.recordOrder(id, { amountMinor: 1000, currency: 'USD', units: 1 });
    const last = await api.recordOrder(id, { amountMinor: 499, currency: 'EUR', units: 1 });
    expect(last.session.stats).toEqual({
      viewers: 0,
      peakViewers: 0,
      messages: 0,
      leads: 0,
      orders: 3,
      units: 4,
      sales: [
        { currency: 'EUR', amountMinor: 2999 },
        { currency: 'USD', amountMinor: 1000 },
      ],
    });
    expect((await orders(id)).map((o) => [o.amountMinor, o.currency, o.units, o.externalId, o.accountId])).toEqual([
      [2500, 'EUR', 2, 'shop-1001', localId(team.shop)],
      [1000, 'USD', 1, null, localId(team.shop)],
      [499, 'EUR', 1, null, localId(team.shop)],
    ]);
    t.clock.advance(1000);
    expect(await host.value()).toMatchObject({
      type: 'STATS',
      stats: {
        orders: 3,
        units: 4,
        sales: [
          { currency: 'EUR', amountMinor: 2999 },
          { currency: 'USD', amountMinor: 1000 },
        ],
      },
    });
    await endLive(team.owner, id);
  });

  it('stores an order once per shop order id, even when it is recorded several times at once', async () => {
    const id = await startLive(team.owner, team.shop);
    const api = liveApi(team.owner);
    const input = { amountMinor: 1500, currency: 'EUR', units: 1, externalId: 'shop-2002' };
    const payloads = await Promise.all([1, 2, 3, 4, 5].map(() => api.recordOrder(id, input)));
    expect(payloads.map((p) => p.userErrors)).toEqual(payloads.map(() => []));
    expect(new Set(payloads.map((p) => p.orderId)).size).toBe(1);
    // a retry answers with the first order, whatever it says now
    const retry = await api.recordOrder(id, { ...input, amountMinor: 9999 });
    expect(retry.orderId).toBe(payloads[0].orderId);
    expect(retry.session.stats).toMatchObject({ orders: 1, sales: [{ currency: 'EUR', amountMinor: 1500 }] });
    await endLive(team.owner, id);
    // the same shop order id in another live is another order
    const next = await startLive(team.owner, team.shop);
    expect((await api.recordOrder(next, input)).orderId).not.toBe(payloads[0].orderId);
    expect(await orders(next)).toHaveLength(1);
    await endLive(team.owner, next);
  });

  it('refuses negative amounts, malformed currencies and no units, naming each, storing nothing', async () => {
    const id = await startLive(team.owner, team.shop);
    const record = (input: Record<string, unknown>) => () => liveApi(team.owner).recordOrder(id, { amountMinor: 100, currency: 'EUR', units: 1, ...input });
    await expectRefused(t, team.shop, record({ amountMinor: -1 }), ['INVALID', ['input', 'amountMinor']]);
    await expectRefused(t, team.shop, record({ currency: 'eur' }), ['INVALID', ['input', 'currency']]);
    await expectRefused(t, team.shop, record({ currency: 'EURO' }), ['INVALID', ['input', 'currency']]);
    await expectRefused(t, team.shop, record({ units: 0 }), ['INVALID', ['input', 'units']]);
    await expectRefused(
      t,
      team.shop,
      record({ amountMinor: -5, currency: '', units: -1 }),
      ['INVALID', ['input', 'amountMinor']],
      ['INVALID', ['input', 'currency']],
      ['INVALID', ['input', 'units']],
    );
    // a free sample is a sale of zero
    expect((await record({ amountMinor: 0 })()).userErrors).toEqual([]);
    await endLive(team.owner, id);
  });

  it('records only during the live', async () => {
    const scheduled = await scheduleLive(team.owner, team.shop);
    const input = { amountMinor: 100, currency: 'EUR', units: 1, externalId: 'shop-3003' };
    await expectRefused(t, team.shop, () => liveApi(team.owner).recordOrder(scheduled, input), ['LIVE_NOT_RUNNING', ['sessionId']]);
    await endLive(team.owner, scheduled);
    await expectRefused(t, team.shop, () => liveApi(team.owner).recordOrder(scheduled, input), ['LIVE_NOT_RUNNING', ['sessionId']]);
  });
});
