// Live sessions (PRODUCT §6): scheduling, going live only when the account is eligible (a
// refusal names every failed rule), one live at a time per account, and the end.
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.ts';
import { localId } from '../support/fixtures.ts';
import {
  eligible,
  endLive,
  expectRefused,
  liveApi,
  liveSuite,
  scheduleLive,
  sessionRow,
  setPlatform,
  startLive,
  storedEvents,
  type LiveTeam,
} from '../support/live.ts';

let t: TestApp;
let team: LiveTeam;
liveSuite((app, liveTeam) => {
  [t, team] = [app, liveTeam];
});

describe('liveSessionSchedule', () => {
  it('schedules a session that has no events until it starts', async () => {
    const payload = await liveApi(team.as('agent')).schedule(team.shop, {
      title: '  Spring launch  ',
      scheduledFor: '2026-03-05T18:00:00.000Z',
      sellsProducts: true,
    });
    expect(payload.userErrors).toEqual([]);
    expect(payload.session).toMatchObject({
      title: 'Spring launch',
      state: 'SCHEDULED',
      scheduledFor: '2026-03-05T18:00:00.000Z',
      startedAt: null,
      endedAt: null,
      sellsProducts: true,
      allowViewerMessages: true,
      autoResponsesEnabled: true,
      reminderIntervalMinutes: null,
      lastSeq: 0,
    });
    expect(await storedEvents(t, payload.session.id)).toEqual([]);
    await endLive(team.owner, payload.session.id);
  });

  it('refuses a blank or long title and a time in the past, storing nothing', async () => {
    const api = liveApi(team.owner);
    await expectRefused(t, team.shop, () => api.schedule(team.shop, { title: '   ' }), ['REQUIRED', ['input', 'title']]);
    await expectRefused(t, team.shop, () => api.schedule(team.shop, { title: 'x'.repeat(101) }), ['TOO_LONG', ['input', 'title']]);
    await expectRefused(
      t,
      team.shop,
      () => api.schedule(team.shop, { title: '', scheduledFor: '2026-03-02T09:59:00.000Z' }),
      ['REQUIRED', ['input', 'title']],
      ['INVALID', ['input', 'scheduledFor']],
    );
    // 100 characters (emoji count as one) are fine
    const long = await api.schedule(team.shop, { title: '🎉'.repeat(100) });
    expect(long.userErrors).toEqual([]);
    await endLive(team.owner, long.session.id);
  });
});

describe('liveSessionStart', () => {
  const FEW = 'LIVE_FOLLOWERS_TOO_FEW';
  const YOUNG = 'LIVE_OWNER_TOO_YOUNG';
  const SELLER = 'LIVE_SELLER_TOO_YOUNG';
  const VIOLATION = 'LIVE_SERIOUS_VIOLATION';
  const cases: [string, Parameters<typeof setPlatform>[2], boolean, [string, string[] | null][]][] = [
    [
      'no followers and an unknown owner age',
      { followerCount: 0, ownerAge: null, seriousViolations: 0 },
      false,
      [
        [FEW, null],
        [YOUNG, null],
      ],
    ],
    ['999 followers', { followerCount: 999, ownerAge: 30 }, false, [[FEW, null]]],
    ['an owner aged 15', { followerCount: 1000, ownerAge: 15 }, false, [[YOUNG, null]]],
    ['an owner aged 16 selling products', { ownerAge: 16 }, true, [[SELLER, ['sellsProducts']]]],
    ['an owner aged 17 selling products', { ownerAge: 17 }, true, [[SELLER, ['sellsProducts']]]],
    ['a serious violation', { ownerAge: 30, seriousViolations: 1 }, false, [[VIOLATION, null]]],
    [
      'every rule failing at once',
      { followerCount: 10, ownerAge: 15, seriousViolations: 2 },
      true,
      [
        [FEW, null],
        [YOUNG, null],
        [VIOLATION, null],
      ],
    ],
  ];

  it.each(cases)('refuses an account with %s, naming each failed rule, and stores nothing', async (_name, platform, sellsProducts, expected) => {
    await setPlatform(t, team.other, platform);
    const id = await scheduleLive(team.owner, team.other, { sellsProducts });
    await expectRefused(t, team.other, () => liveApi(team.owner).start(id), ...expected);
    expect((await sessionRow(t, id)).state).toBe('SCHEDULED');
    await endLive(team.owner, id);
  });

  it('lets an owner of 16 go live without selling, and of 18 while selling', async () => {
    await setPlatform(t, team.other, { followerCount: 1000, ownerAge: 16, seriousViolations: 0 });
    const plain = await startLive(team.owner, team.other);
    await endLive(team.owner, plain);
    await setPlatform(t, team.other, { ownerAge: 18 });
    const selling = await startLive(team.owner, team.other, { sellsProducts: true });
    expect((await sessionRow(t, selling)).state).toBe('LIVE');
    await endLive(team.owner, selling);
  });

  it('goes live: the state, the start time and a first STATS event', async () => {
    const id = await scheduleLive(team.as('admin'), team.shop);
    const payload = await liveApi(team.as('admin')).start(id);
    expect(payload.userErrors).toEqual([]);
    expect(payload.session).toMatchObject({ state: 'LIVE', startedAt: '2026-03-02T10:00:00.000Z', lastSeq: 1 });
    expect(await storedEvents(t, id)).toEqual([
      { seq: 1, type: 'STATS', payload: { viewers: 0, peakViewers: 0, messages: 0, leads: 0, orders: 0, units: 0, sales: [] } },
    ]);
    await endLive(team.owner, id);
  });

  it('runs one live at a time per account', async () => {
    const first = await startLive(team.owner, team.shop);
    await expectRefused(t, team.shop, () => liveApi(team.owner).start(first), ['LIVE_ALREADY_RUNNING', ['id']]);
    const second = await scheduleLive(team.owner, team.shop);
    await expectRefused(t, team.shop, () => liveApi(team.as('agent')).start(second), ['LIVE_ALREADY_RUNNING', ['id']]);
    // another organization's account is not concerned
    const foreign = await startLive(team.as('foreign'), team.foreignShop);
    await endLive(team.owner, first);
    expect((await liveApi(team.owner).start(second)).userErrors).toEqual([]);
    await endLive(team.owner, second);
    await endLive(team.as('foreign'), foreign);
  });

  it('lets only one of several sessions started at once go live', async () => {
    const ids = await Promise.all([1, 2, 3].map(() => scheduleLive(team.owner, team.shop)));
    const payloads = await Promise.all(ids.map((id) => liveApi(team.owner).start(id)));
    const started = payloads.filter((p) => p.userErrors.length === 0);
    expect(started).toHaveLength(1);
    for (const refused of payloads.filter((p) => p.userErrors.length > 0))
      expect(refused.userErrors).toMatchObject([{ code: 'LIVE_ALREADY_RUNNING', field: ['id'] }]);
    expect(await t.db.liveSession.count({ where: { accountId: localId(team.shop), state: 'LIVE' } })).toBe(1);
    for (const id of ids) await endLive(team.owner, id);
  });

  it('checks eligibility again when a running live starts selling', async () => {
    await setPlatform(t, team.shop, { ownerAge: 17 });
    const id = await startLive(team.owner, team.shop);
    await expectRefused(t, team.shop, () => liveApi(team.owner).update(id, { sellsProducts: true }), ['LIVE_SELLER_TOO_YOUNG', ['input', 'sellsProducts']]);
    // before the start, selling is only a plan: the start checks it
    const later = await scheduleLive(team.owner, team.shop);
    expect((await liveApi(team.owner).update(later, { sellsProducts: true })).userErrors).toEqual([]);
    await endLive(team.owner, id);
    await expectRefused(t, team.shop, () => liveApi(team.owner).start(later), ['LIVE_SELLER_TOO_YOUNG', ['sellsProducts']]);
    await endLive(team.owner, later);
    await setPlatform(t, team.shop, eligible);
  });
});

describe('liveSessionEnd', () => {
  it('ends a live with a LIVE_ENDED event carrying the final stats; an ended live stays ended', async () => {
    const id = await startLive(team.owner, team.shop);
    t.clock.advance(45 * 60_000);
    const payload = await liveApi(team.as('agent')).end(id);
    expect(payload.userErrors).toEqual([]);
    expect(payload.session).toMatchObject({ state: 'ENDED', endedAt: t.clock.now().toISOString(), lastSeq: 2 });
    expect((await storedEvents(t, id)).at(-1)).toEqual({
      seq: 2,
      type: 'LIVE_ENDED',
      payload: { endedAt: t.clock.now().toISOString(), stats: { viewers: 0, peakViewers: 0, messages: 0, leads: 0, orders: 0, units: 0, sales: [] } },
    });
    const api = liveApi(team.owner);
    await expectRefused(t, team.shop, () => api.end(id), ['LIVE_ENDED', ['id']]);
    await expectRefused(t, team.shop, () => api.start(id), ['LIVE_ENDED', ['id']]);
    await expectRefused(t, team.shop, () => api.update(id, { allowViewerMessages: false }), ['LIVE_ENDED', ['id']]);
    await expectRefused(t, team.shop, () => api.addEntry(id, { type: 'BUSINESS', function: 'BUSINESS_PAGE' }), ['LIVE_ENDED', ['sessionId']]);
    // the account may go live again
    await endLive(team.owner, await startLive(team.owner, team.shop));
  });

  it('cancels a scheduled session', async () => {
    const id = await scheduleLive(team.owner, team.shop);
    expect(await endLive(team.owner, id)).toMatchObject({ state: 'ENDED', startedAt: null });
    expect((await storedEvents(t, id)).map((e) => e.type)).toEqual(['LIVE_ENDED']);
  });
});
