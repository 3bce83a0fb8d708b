// A live across several API instances on one PostgreSQL, through Redis (PostgreSQL + Redis
// pass only): the host console on one instance hears, in order and once, what viewers send
// through the others, and resumes on a new instance after its own went away, losing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, onRedis, startApp, type TestApp } from '../support/app.ts';
import { approvedLeadForm } from '../support/leads.ts';
import {
  addEntry,
  closeStreams,
  liveDm,
  liveLead,
  liveTeam,
  sessionRow,
  setVisible,
  startLive,
  watchHost,
  watchRoom,
  type LiveEvent,
  type LiveTeam,
} from '../support/live.ts';

describe.runIf(onPostgres && onRedis)('a live across several instances', () => {
  let a: TestApp;
  let b: TestApp;
  let c: TestApp;
  let team: LiveTeam;
  let form: string;
  let id: string;
  const owner = (app: TestApp) => app.as(team.handle('owner'));

  beforeAll(async () => {
    a = await startApp({ now: '2026-03-02T10:00:00.000Z' });
    [b, c] = [await a.startPeer(), await a.startPeer()];
    team = await liveTeam(a);
    form = await approvedLeadForm(a, team.handle('owner'), team.shop);
    id = await startLive(owner(b), team.shop);
  });
  afterAll(async () => {
    await closeStreams();
    await a?.close();
  });

  const lastSeq = async () => (await sessionRow(b, id)).lastSeq; // B stays up throughout
  /** `count` DMs from each viewer, in turn per viewer, viewers at once, alternating instances */
  const dms = (viewers: string[], count: number, through: TestApp[], tag: string) =>
    viewers.map(async (viewer, v) => {
      for (let n = 1; n <= count; n++) {
        const app = through[(v + n) % through.length];
        expect((await liveDm(app.as(viewer), team.shopHandle, id, `${tag} ${viewer} ${n}`)).userErrors).toEqual([]);
      }
    });
  const leads = (handles: string[], through: TestApp[]) =>
    handles.map(async (handle, i) => expect((await liveLead(through[i % through.length].as(handle), form, id)).userErrors).toEqual([]));
  /** each viewer's texts as the host saw them, per viewer */
  const byViewer = (events: LiveEvent[]) => {
    const texts = new Map<string, string[]>();
    for (const e of events)
      if (e.viewerMessage) texts.set(e.viewerMessage.viewerHandle, [...(texts.get(e.viewerMessage.viewerHandle) ?? []), e.viewerMessage.text!]);
    return texts;
  };
  const expectInOrder = (events: LiveEvent[], from: number, to: number) =>
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));

  it('a host on instance A receives the DMs and leads sent through B and C in order, once', { timeout: 120_000 }, async () => {
    const host = watchHost(owner(a), id, 0);
    const viewers = Array.from({ length: 8 }, (_, i) => `multi.v${i}`);
    await Promise.all([...dms(viewers, 3, [b, c], 'burst'), ...leads(['multi.l1', 'multi.l2', 'multi.l3', 'multi.l4'], [b, c])]);
    const n = await lastSeq();
    expect(n).toBe(1 + 24 + 4);
    const events = await host.until((e) => e.seq === n);
    expectInOrder(events, 1, n);
    for (const viewer of viewers) expect(byViewer(events).get(viewer)).toEqual([1, 2, 3].map((k) => `burst ${viewer} ${k}`));
    expect(events.filter((e) => e.type === 'LEAD_SUBMITTED')).toHaveLength(4);
    expect(await host.quiet(1500)).toBe(true);
    await host.close();
  });

  it('viewers on one instance see entries toggled through another', async () => {
    const room = watchRoom(c.as('multi.watcher'), id);
    expect((await room.value()).entries).toEqual([]);
    const entry = await addEntry(owner(b), id, { type: 'BUSINESS', function: 'BUSINESS_PAGE' });
    await setVisible(owner(b), entry.id, true);
    expect((await room.value()).entries.map((e) => e.id)).toEqual([entry.id]);
    await room.close();
  });

  it('a host whose instance goes away resumes on a new instance from the last seq it saw, losing nothing', { timeout: 120_000 }, async () => {
    const start = await lastSeq();
    const host = watchHost(owner(a), id, start);
    await Promise.all(dms(['multi.r1', 'multi.r2'], 2, [b], 'before'));
    const seen = await host.take(4);
    expectInOrder(seen, start + 1, start + 4);
    const lastSeen = seen.at(-1)!.seq;

    // instance A goes away; viewers keep writing through B and C
    await a.app.close();
    await Promise.all([...dms(['multi.r1', 'multi.r2', 'multi.r3'], 3, [b, c], 'while away'), ...leads(['multi.l5', 'multi.l6'], [b, c])]);
    // the console comes back on a new instance, while more arrives
    const d = await b.startPeer();
    const resumed = watchHost(owner(d), id, lastSeen);
    await Promise.all(dms(['multi.r1', 'multi.r4'], 2, [b, c, d], 'after'));
    const n = await lastSeq();
    expect(n).toBe(lastSeen + 9 + 2 + 4);
    const missed = await resumed.until((e) => e.seq === n);
    expectInOrder(missed, lastSeen + 1, n);
    const texts = byViewer([...seen, ...missed]);
    expect(texts.get('multi.r1')).toEqual([
      'before multi.r1 1',
      'before multi.r1 2',
      'while away multi.r1 1',
      'while away multi.r1 2',
      'while away multi.r1 3',
      'after multi.r1 1',
      'after multi.r1 2',
    ]);
    expect(texts.get('multi.r3')).toEqual([1, 2, 3].map((k) => `while away multi.r3 ${k}`));
    expect(texts.get('multi.r4')).toEqual([1, 2].map((k) => `after multi.r4 ${k}`));
    expect(await resumed.quiet(1500)).toBe(true);
  });
});
