// Attribution (decided when a live starts, never rewritten) and campaign performance: rollups
// updated with each order, viewer DM and lead, compared with a recomputation from the raw
// rows; year-to-date by month; the real-time stream; roles; parallel orders.
import { describe, expect, it } from 'vitest';
import {
  CampaignPerformanceDocument,
  CampaignPerformanceYearToDateDocument,
  CampaignRegistrationWithdrawDocument,
  LiveSessionCampaignDocument,
  type CampaignFiguresFieldsFragment,
} from '../generated/graphql.ts';
import { onPostgres, type TestApp } from '../support/app.ts';
import { approveRegistration, at, campaignInput, createCampaign, DAY, HOUR, platformAdmin, rate, registered, session } from '../support/campaigns.ts';
import { expectTopLevelError, localId } from '../support/fixtures.ts';
import { approvedLeadForm } from '../support/leads.ts';
import { endLive, expectSubscriptionRefused, LIVE_NOW, liveApi, liveDm, liveLead, liveSuite, openStream, startLive, type LiveTeam } from '../support/live.ts';

let t: TestApp;
let team: LiveTeam;
let form: string;
liveSuite(async (app, liveTeam) => {
  [t, team] = [app, liveTeam];
  await rate(t, team.shop, { shopScore: 4.8, livestreamLevel: 5 });
  form = await approvedLeadForm(app, team.handle('owner'), team.shop);
});

const SECOND = 1000;

/** An approved REVIEWED registration of the shop with one session [startsAt, startsAt + 2 h); returns ids. */
async function approvedSession(startsAt: string, base = LIVE_NOW) {
  t.clock.set(base);
  const campaignId = await createCampaign(t, campaignInput(base));
  const registration = await registered(team.owner, campaignId, team.shop, [session(startsAt)]);
  await approveRegistration(t, registration.id);
  return { campaignId, registrationId: registration.id, sessionId: registration.sessions[0].id };
}

async function liveAt(instant: string) {
  t.clock.set(instant);
  const id = await startLive(team.owner, team.shop);
  const { node } = await team.as('analyst').request(LiveSessionCampaignDocument, { id });
  return { id, campaign: (node as { campaign: { id: string } | null }).campaign?.id ?? null, registered: (node as { campaignRegisteredSession: { id: string } | null }).campaignRegisteredSession?.id ?? null };
}

const performance = async (campaignId: string, api = team.as('analyst')) => (await api.request(CampaignPerformanceDocument, { campaignId, organizationId: team.organizationId })).campaignPerformance!;

/** Every figure recomputed from the raw orders, messages, leads and live rows of the campaign's attributed lives. */
async function recomputed(campaignId: string, registeredSessionId?: string) {
  const lives = await t.db.campaignLive.findMany({ where: { campaignId: localId(campaignId), organizationId: localId(team.organizationId), ...(registeredSessionId ? { registeredSessionId: localId(registeredSessionId) } : {}) } });
  const ids = lives.map((l) => l.liveSessionId);
  const [orders, messages, leads, sessions] = await Promise.all([
    t.db.liveOrder.findMany({ where: { sessionId: { in: ids } } }),
    t.db.message.count({ where: { liveSessionId: { in: ids }, direction: 'INBOUND' } }),
    t.db.lead.count({ where: { liveSessionId: { in: ids } } }),
    t.db.liveSession.findMany({ where: { id: { in: ids } } }),
  ]);
  const currencies = [...new Set(orders.map((o) => o.currency))].sort();
  const sales = currencies.map((currency) => {
    const of = orders.filter((o) => o.currency === currency);
    const gmv = of.reduce((n, o) => n + o.amountMinor, 0);
    return { currency, gmv: { currency, amountMinor: gmv }, orders: of.length, itemsSold: of.reduce((n, o) => n + o.units, 0), averageOrderValue: { currency, amountMinor: Math.round(gmv / of.length) } };
  });
  return {
    gmv: sales.map((s) => s.gmv),
    averageOrderValue: sales.map((s) => s.averageOrderValue),
    sales,
    orders: orders.length,
    itemsSold: orders.reduce((n, o) => n + o.units, 0),
    liveSessions: lives.length,
    peakViewers: Math.max(0, ...sessions.map((s) => s.peakViewers)),
    totalViewers: sessions.reduce((n, s) => n + s.totalViewers, 0),
    viewerMessages: messages,
    leads,
    version: lives.length + orders.length + messages + leads,
  } satisfies CampaignFiguresFieldsFragment;
}

describe('attribution', () => {
  it('is decided when the live starts: inside [start, end) of an approved registered session, to the second', async () => {
    const S = at(LIVE_NOW, 6 * DAY);
    const E = at(S, 2 * HOUR);
    const { campaignId, sessionId } = await approvedSession(S);
    const results = [];
    for (const instant of [at(S, -SECOND), S, at(E, -SECOND), E]) {
      const live = await liveAt(instant);
      results.push([live.campaign === campaignId, live.registered === sessionId]);
      await endLive(team.owner, live.id);
    }
    expect(results).toEqual([
      [false, false],
      [true, true],
      [true, true],
      [false, false],
    ]);
    // later edits never rewrite it: cancelling the campaign keeps the attributed lives
    const attributed = await t.db.campaignLive.findMany({ where: { campaignId: localId(campaignId) } });
    expect(attributed).toHaveLength(2);
    t.clock.set(E);
    await platformAdmin(t).request(`mutation ($id: ID!) { campaignCancel(id: $id) { userErrors { code } } }`, { id: campaignId });
    expect(await t.db.campaignLive.findMany({ where: { campaignId: localId(campaignId) } })).toEqual(attributed);
    expect((await performance(campaignId)).figures.liveSessions).toBe(2);
  });

  it('ignores registrations under review or withdrawn; AUTO_APPROVED campaigns take lives of their whole period', async () => {
    const S = at(LIVE_NOW, 8 * DAY);
    t.clock.set(LIVE_NOW);
    const pendingCampaign = await createCampaign(t, campaignInput(LIVE_NOW));
    await registered(team.owner, pendingCampaign, team.shop, [session(S)]);
    const first = await liveAt(at(S, 10 * 60 * SECOND));
    expect(first.campaign).toBeNull();
    await endLive(team.owner, first.id);

    const W = at(LIVE_NOW, 9 * DAY);
    const withdrawn = await approvedSession(W);
    t.clock.set(at(W, -SECOND));
    const { campaignRegistrationWithdraw } = await team.owner.request(CampaignRegistrationWithdrawDocument, { id: withdrawn.registrationId });
    expect(campaignRegistrationWithdraw.userErrors).toEqual([]);
    const second = await liveAt(W);
    expect(second.campaign).toBeNull();
    await endLive(team.owner, second.id);

    t.clock.set(LIVE_NOW);
    const auto = await createCampaign(t, campaignInput(LIVE_NOW, { registrationType: 'AUTO_APPROVED', startsAt: at(LIVE_NOW, 10 * DAY), endsAt: at(LIVE_NOW, 12 * DAY) }));
    await registered(team.owner, auto, team.shop);
    const inside = await liveAt(at(LIVE_NOW, 10 * DAY));
    expect(inside).toMatchObject({ campaign: auto, registered: null });
    await endLive(team.owner, inside.id);
    // a registered session inside the AUTO_APPROVED period takes precedence
    const specific = await approvedSession(at(LIVE_NOW, 11 * DAY));
    const precise = await liveAt(at(LIVE_NOW, 11 * DAY));
    expect(precise).toMatchObject({ campaign: specific.campaignId, registered: specific.sessionId });
    await endLive(team.owner, precise.id);
  });
});

describe('campaign performance', () => {
  it('counts orders per currency, DMs and leads of attributed lives only, exactly as the raw rows say', async () => {
    const S = at(LIVE_NOW, 13 * DAY);
    const { campaignId, sessionId } = await approvedSession(S);
    const live = await liveAt(S);
    const api = liveApi(team.owner);
    await api.recordOrder(live.id, { amountMinor: 2500, currency: 'EUR', units: 2, externalId: 'o-1' });
    await api.recordOrder(live.id, { amountMinor: 2500, currency: 'EUR', units: 2, externalId: 'o-1' }); // a retry: stored once
    await api.recordOrder(live.id, { amountMinor: 1001, currency: 'EUR', units: 1 });
    await api.recordOrder(live.id, { amountMinor: 700, currency: 'USD', units: 3 });
    expect((await liveDm(t.as('perf.viewer1'), team.shopHandle, live.id, 'Is it in stock?')).userErrors).toEqual([]);
    expect((await liveDm(t.as('perf.viewer2'), team.shopHandle, live.id, 'Price?')).userErrors).toEqual([]);
    expect((await liveLead(t.as('perf.viewer1'), form, live.id)).userErrors).toEqual([]);
    // a live of another account (not attributed) does not count
    await endLive(team.owner, live.id);
    const { figures, sessions } = await performance(campaignId);
    expect(figures).toEqual({
      gmv: [
        { currency: 'EUR', amountMinor: 3501 },
        { currency: 'USD', amountMinor: 700 },
      ],
      averageOrderValue: [
        { currency: 'EUR', amountMinor: 1751 },
        { currency: 'USD', amountMinor: 700 },
      ],
      sales: [
        { currency: 'EUR', gmv: { currency: 'EUR', amountMinor: 3501 }, orders: 2, itemsSold: 3, averageOrderValue: { currency: 'EUR', amountMinor: 1751 } },
        { currency: 'USD', gmv: { currency: 'USD', amountMinor: 700 }, orders: 1, itemsSold: 3, averageOrderValue: { currency: 'USD', amountMinor: 700 } },
      ],
      orders: 3,
      itemsSold: 6,
      liveSessions: 1,
      peakViewers: 0,
      totalViewers: 0,
      viewerMessages: 2,
      leads: 1,
      version: 7,
    });
    expect(figures).toEqual(await recomputed(campaignId));
    expect(sessions).toEqual([{ id: sessionId, startsAt: S, performance: await recomputed(campaignId, sessionId) }]);
    // orders of an unattributed live leave the figures alone
    const stray = await liveAt(at(S, 3 * HOUR));
    await api.recordOrder(stray.id, { amountMinor: 99999, currency: 'EUR', units: 1 });
    await endLive(team.owner, stray.id);
    expect((await performance(campaignId)).figures).toEqual(figures);
  });

  it('year to date: the organization’s sales by month, cumulative, months without sales as zeros', async () => {
    const base = '2028-01-10T00:00:00.000Z';
    t.clock.set(base);
    const campaignId = await createCampaign(
      t,
      campaignInput(base, { registrationType: 'AUTO_APPROVED', registrationEndsAt: at(base, 60 * DAY), startsAt: at(base, DAY), endsAt: at(base, 90 * DAY) }),
    );
    await registered(team.owner, campaignId, team.shop);
    // a live that runs across the end of February: its orders land in the month they were made
    const live = await liveAt('2028-02-29T23:00:00.000Z');
    const api = liveApi(team.owner);
    await api.recordOrder(live.id, { amountMinor: 1000, currency: 'EUR', units: 1 });
    t.clock.set('2028-03-01T00:30:00.000Z');
    await api.recordOrder(live.id, { amountMinor: 500, currency: 'EUR', units: 2 });
    await api.recordOrder(live.id, { amountMinor: 300, currency: 'USD', units: 1 });
    await endLive(team.owner, live.id);
    const { campaignPerformanceYearToDate } = await team.as('analyst').request(CampaignPerformanceYearToDateDocument, { organizationId: team.organizationId, year: 2028 });
    const months = campaignPerformanceYearToDate.months;
    expect(months.map((m) => m.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const eurUsd = (eur: number, usd: number) => [
      { currency: 'EUR', gmv: { amountMinor: eur } },
      { currency: 'USD', gmv: { amountMinor: usd } },
    ];
    expect(months[0]).toMatchObject({ sales: eurUsd(0, 0), orders: 0, cumulativeOrders: 0, cumulativeSales: eurUsd(0, 0) });
    expect(months[1]).toMatchObject({ sales: eurUsd(1000, 0), orders: 1, itemsSold: 1, cumulativeOrders: 1, cumulativeSales: eurUsd(1000, 0) });
    expect(months[2]).toMatchObject({ sales: eurUsd(500, 300), orders: 2, itemsSold: 3, cumulativeOrders: 3, cumulativeItemsSold: 4, cumulativeSales: eurUsd(1500, 300) });
    expect(months[11]).toMatchObject({ sales: eurUsd(0, 0), orders: 0, cumulativeOrders: 3, cumulativeSales: eurUsd(1500, 300) });
    const other = await team.as('analyst').request(CampaignPerformanceYearToDateDocument, { organizationId: team.organizationId, year: 2027 });
    expect(other.campaignPerformanceYearToDate.months.every((m) => m.cumulativeOrders === 0 && m.sales.length === 0)).toBe(true);
  });

  it('is read by owners, admins, analysts and platform admins; not agents, other organizations or anonymous callers', async () => {
    const campaignId = await createCampaign(t, campaignInput(LIVE_NOW));
    for (const who of ['owner', 'admin', 'analyst']) expect((await performance(campaignId, team.as(who))).figures.version).toBe(0);
    expect((await performance(campaignId, platformAdmin(t))).figures.orders).toBe(0);
    for (const [api, code] of [
      [team.as('agent'), 'FORBIDDEN'],
      [team.as('foreign'), 'FORBIDDEN'],
      [t.anonymous(), 'UNAUTHENTICATED'],
    ] as const) {
      const refused = await api.raw(CampaignPerformanceDocument, { campaignId, organizationId: team.organizationId });
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual([code]);
      expect(refused.data?.campaignPerformance ?? null).toBeNull();
      expectTopLevelError(await api.raw(CampaignPerformanceYearToDateDocument, { organizationId: team.organizationId, year: 2026 }), code);
    }
    await expectSubscriptionRefused(team.as('agent'), CampaignPerformanceStreamSource, { campaignId, organizationId: team.organizationId }, 'FORBIDDEN');
  });
});

const CampaignPerformanceStreamSource = `subscription ($campaignId: ID!, $organizationId: ID!) { campaignPerformance(campaignId: $campaignId, organizationId: $organizationId) { figures { orders version gmv { currency amountMinor } viewerMessages } } }`;

describe('campaignPerformance (subscription)', () => {
  it('pushes the figures now, then after changes at most once a second, with increasing versions', { timeout: 60_000 }, async () => {
    const S = at(LIVE_NOW, 15 * DAY);
    const { campaignId } = await approvedSession(S);
    const live = await liveAt(S);
    const stream = openStream<{ figures: { orders: number; version: number; gmv: { amountMinor: number }[]; viewerMessages: number } }>(
      team.as('analyst'),
      CampaignPerformanceStreamSource,
      { campaignId, organizationId: team.organizationId },
      'campaignPerformance',
    );
    const first = await stream.value();
    expect(first.figures).toMatchObject({ orders: 0, version: 1 });
    // read as pushes arrive, so their timestamps are the arrival times
    const received: { at: number; version: number; orders: number }[] = [];
    const reading = (async () => {
      for (;;) {
        const next = await stream.value(10_000);
        received.push({ at: Date.now(), version: next.figures.version, orders: next.figures.orders });
        if (next.figures.orders === 6 && next.figures.viewerMessages === 1) return;
      }
    })();
    const api = liveApi(team.owner);
    for (let i = 0; i < 6; i++) {
      await api.recordOrder(live.id, { amountMinor: 100, currency: 'EUR', units: 1 });
      await new Promise((r) => setTimeout(r, 250));
    }
    await liveDm(t.as('perf.stream'), team.shopHandle, live.id, 'hi');
    await reading;
    const versions = [first.figures.version, ...received.map((r) => r.version)];
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    // coalesced: fewer pushes than changes, each at least ~a second after the previous
    expect(received.length).toBeLessThan(7);
    for (let i = 1; i < received.length; i++) expect(received[i].at - received[i - 1].at).toBeGreaterThanOrEqual(900);
    expect(received.at(-1)!.version).toBe(1 + 6 + 1);
    // nothing more while nothing changes
    expect(await stream.quiet(1500)).toBe(true);
    await stream.close();
    await endLive(team.owner, live.id);
  });
});

describe('concurrency', () => {
  it('parallel orders on one attributed live are each counted exactly once', { timeout: 120_000 }, async () => {
    const S = at(LIVE_NOW, 17 * DAY);
    const { campaignId } = await approvedSession(S);
    const live = await liveAt(S);
    const apis = [liveApi(team.owner), liveApi(team.as('admin')), liveApi(team.as('agent'))];
    const peer = onPostgres ? await t.startPeer() : null;
    if (peer) apis.push(liveApi(peer.as(team.handle('owner'))));
    const payloads = await Promise.all(
      Array.from({ length: 40 }, (_, i) => apis[i % apis.length].recordOrder(live.id, { amountMinor: 100 + i, currency: i % 3 === 0 ? 'USD' : 'EUR', units: 1 + (i % 2), externalId: i % 5 === 0 ? `dup-${i % 10}` : null })),
    );
    expect(payloads.every((p) => p.userErrors.length === 0)).toBe(true);
    const { figures } = await performance(campaignId);
    expect(figures).toEqual(await recomputed(campaignId));
    expect(figures.orders).toBe(await t.db.liveOrder.count({ where: { sessionId: localId(live.id) } }));
    await endLive(team.owner, live.id);
  });
});
