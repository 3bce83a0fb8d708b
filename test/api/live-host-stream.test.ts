// The host stream `liveEvents(sessionId, afterSeq)`: every event once, in sequence order,
// with gap-free per-session numbers, under concurrent producers; a console resuming with the
// last seq it saw gets exactly what it missed, then the live events. STATS at most once a
// second (app clock); LIVE_ENDED ends the stream.
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.ts';
import { approvedLeadForm } from '../support/leads.ts';
import {
  addEntry,
  endLive,
  liveApi,
  liveDm,
  liveLead,
  liveSuite,
  sessionRow,
  setVisible,
  startLive,
  storedEvents,
  ticks,
  watchHost,
  type LiveEvent,
  type LiveTeam,
} from '../support/live.ts';

let t: TestApp;
let team: LiveTeam;
let form: string;
liveSuite(async (app, liveTeam) => {
  [t, team] = [app, liveTeam];
  form = await approvedLeadForm(app, team.handle('owner'), team.shop);
});

const seqs = (events: LiveEvent[]) => events.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const lastSeq = async (id: string) => (await sessionRow(t, id)).lastSeq;

describe('ordering and replay', () => {
  it('delivers the events of concurrent producers once each, in sequence order, live and replayed', { timeout: 120_000 }, async () => {
    const id = await startLive(team.owner, team.shop);
    const entries = [
      await addEntry(team.owner, id, { type: 'BUSINESS', function: 'BUSINESS_PAGE' }),
      await addEntry(team.owner, id, { type: 'BUSINESS', function: 'DIRECT_MESSAGE' }),
    ];
    const host = watchHost(team.owner, id, 0);
    expect(seqs(await host.take(3))).toEqual([1, 2, 3]);

    // 10 viewers × 3 DMs (each viewer's in turn), 4 leads, two entries toggled three times each,
    // and refused entries (invalid targets) that must not take a number; a second console joins
    // mid-burst with afterSeq 3
    const viewers = range(1, 10).map((i) => `burst.v${i}`);
    const sentBy = new Map(viewers.map((v) => [v, [1, 2, 3].map((n) => `${v} message ${n}`)]));
    const dms = viewers.map(async (viewer) => {
      for (const text of sentBy.get(viewer)!) expect((await liveDm(t.as(viewer), team.shopHandle, id, text)).userErrors).toEqual([]);
    });
    const leads = range(1, 4).map(async (i) => expect((await liveLead(t.as(`burst.lead${i}`), form, id)).userErrors).toEqual([]));
    const toggles = entries.map(async (entry) => {
      for (const visible of [true, false, true]) await setVisible(team.as('agent'), entry.id, visible);
    });
    const refused = range(1, 3).map(async () =>
      expect((await liveApi(team.owner).addEntry(id, { type: 'BUSINESS', function: 'WEBSITE', target: 'nope' })).userErrors).toMatchObject([
        { code: 'URL_INVALID' },
      ]),
    );
    const late = watchHost(team.as('analyst'), id, 3);
    await Promise.all([...dms, ...leads, ...toggles, ...refused]);

    const n = await lastSeq(id);
    expect(n).toBe(3 + 30 + 4 + 6); // no STATS: the app clock has not moved
    const live = await host.until((e) => e.seq === n);
    const all = [...(await storedEvents(t, id))];
    expect(seqs(live)).toEqual(range(4, n));
    expect(live.map((e) => e.type)).toEqual(all.slice(3).map((e) => e.type));
    // each viewer's messages in the order they were sent, all 30 once
    for (const viewer of viewers)
      expect(live.filter((e) => e.viewerMessage?.viewerHandle === viewer).map((e) => e.viewerMessage!.text)).toEqual(sentBy.get(viewer));
    expect(
      live
        .filter((e) => e.type === 'LEAD_SUBMITTED')
        .map((e) => e.lead!.viewerHandle)
        .sort(),
    ).toEqual(range(1, 4).map((i) => `burst.lead${i}`));
    for (const entry of entries) expect(live.filter((e) => e.entry?.entryId === entry.id).map((e) => e.entry!.change)).toEqual(['SHOWN', 'HIDDEN', 'SHOWN']);

    // the console that joined mid-burst: exactly 4..n, the same events
    expect(await late.until((e) => e.seq === n)).toEqual(live);
    // a console resuming after seq 20, once the burst is over: exactly 21..n
    const resumed = watchHost(team.as('admin'), id, 20);
    expect(await resumed.until((e) => e.seq === n)).toEqual(live.slice(20 - 3));

    // then all three follow the live stream, and nothing is repeated
    await liveDm(t.as('burst.v1'), team.shopHandle, id, 'one more');
    for (const console_ of [host, late, resumed]) {
      expect(await console_.value()).toMatchObject({ seq: n + 1, viewerMessage: { text: 'one more' } });
      expect(await console_.quiet(500)).toBe(true);
    }
    await endLive(team.owner, id);
  });

  it('starts with the next event when afterSeq is omitted', async () => {
    const id = await startLive(team.owner, team.shop);
    await liveDm(t.as('next.viewer'), team.shopHandle, id, 'before');
    const before = await lastSeq(id);
    const host = watchHost(team.owner, id);
    // the subscription needs a moment to reach the server: write until something arrives
    let first: LiveEvent | undefined;
    for (let i = 0; !first && i < 20; i++) {
      await liveDm(t.as('next.viewer'), team.shopHandle, id, `after ${i}`);
      first = await host.value(1000).catch(() => undefined);
    }
    expect(first!.seq).toBeGreaterThan(before);
    expect(first!.viewerMessage!.text).toMatch(/^after /);
    await liveDm(t.as('next.viewer'), team.shopHandle, id, 'last');
    expect(await host.until((e) => e.viewerMessage?.text === 'last')).toEqual(expect.arrayContaining([expect.objectContaining({ seq: await lastSeq(id) })]));
    await endLive(team.owner, id);
  });

  it('gives a console that reconnects exactly what it missed', async () => {
    const id = await startLive(team.owner, team.shop);
    const first = watchHost(team.owner, id, 0);
    await liveDm(t.as('re.viewer'), team.shopHandle, id, 'one');
    const seen = await first.take(2);
    await first.close();
    for (const text of ['two', 'three', 'four']) await liveDm(t.as('re.viewer'), team.shopHandle, id, text);
    const again = watchHost(team.owner, id, seen.at(-1)!.seq);
    const missed = await again.take(3);
    expect(seqs(missed)).toEqual([3, 4, 5]);
    expect(missed.map((e) => e.viewerMessage!.text)).toEqual(['two', 'three', 'four']);
    await liveDm(t.as('re.viewer'), team.shopHandle, id, 'five');
    expect(await again.value()).toMatchObject({ seq: 6, viewerMessage: { text: 'five' } });
    expect(await again.quiet(400)).toBe(true);
    await endLive(team.owner, id);
  });
});

describe('STATS', () => {
  it('come at most once a second, counting what happened meanwhile', async () => {
    const id = await startLive(team.owner, team.shop);
    const host = watchHost(team.owner, id, 0);
    expect(await host.value()).toMatchObject({ seq: 1, type: 'STATS', stats: { viewers: 0, messages: 0, leads: 0 } });
    for (const text of ['a', 'b', 'c']) await liveDm(t.as('stats.viewer'), team.shopHandle, id, text);
    await liveLead(t.as('stats.viewer'), form, id);
    expect((await host.take(4)).map((e) => e.type)).toEqual(['VIEWER_MESSAGE', 'VIEWER_MESSAGE', 'VIEWER_MESSAGE', 'LEAD_SUBMITTED']);
    // within the second: the changes wait, however many ticks pass
    t.clock.advance(999);
    await ticks(t, 2);
    expect((await storedEvents(t, id)).filter((e) => e.type === 'STATS')).toHaveLength(1);
    // a second later: one STATS with everything so far, on the next tick
    t.clock.advance(1);
    expect(await host.value()).toMatchObject({
      seq: 6,
      type: 'STATS',
      stats: { viewers: 0, peakViewers: 0, messages: 3, leads: 1, orders: 0, units: 0, sales: [] },
    });
    await ticks(t, 2);
    expect(await host.quiet(300)).toBe(true);
    // nothing changed: no STATS, however long
    t.clock.advance(60_000);
    await ticks(t, 2);
    expect((await storedEvents(t, id)).filter((e) => e.type === 'STATS')).toHaveLength(2);
    // a change long after the last STATS is counted at once
    await liveDm(t.as('stats.viewer'), team.shopHandle, id, 'd');
    expect((await host.take(2)).map((e) => [e.type, e.stats?.messages ?? null])).toEqual([
      ['VIEWER_MESSAGE', null],
      ['STATS', 4],
    ]);
    await endLive(team.owner, id);
  });
});

describe('the end', () => {
  it('LIVE_ENDED is the last event: the stream completes after it, replayed or live', async () => {
    const id = await startLive(team.owner, team.shop);
    const host = watchHost(team.owner, id, 0);
    await liveDm(t.as('end.viewer'), team.shopHandle, id, 'bye');
    await endLive(team.as('agent'), id);
    const events = await host.take(3);
    expect(events.map((e) => e.type)).toEqual(['STATS', 'VIEWER_MESSAGE', 'LIVE_ENDED']);
    expect(events[2].stats).toMatchObject({ messages: 1 });
    await expect.poll(() => host.completed).toBe(true);

    const replay = watchHost(team.owner, id, 1);
    expect(seqs(await replay.take(2))).toEqual([2, 3]);
    await expect.poll(() => replay.completed).toBe(true);
    // a console that already saw LIVE_ENDED, or asks for what comes next: nothing, it completes
    for (const afterSeq of [3, undefined]) {
      const done = watchHost(team.owner, id, afterSeq);
      await expect.poll(() => done.completed, { timeout: 10_000 }).toBe(true);
      expect(await done.quiet(100)).toBe(true);
    }
  });
});
