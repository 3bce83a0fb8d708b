// The viewer stream `liveRoom(sessionId)`: the room (state, whether viewers may DM, visible
// entries) on joining and after each change, complete after the end; joining and leaving
// count viewers. It never carries other viewers' messages or personal data.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.ts';
import { approvedLeadForm } from '../support/leads.ts';
import {
  addEntry,
  endLive,
  expectSubscriptionRefused,
  LIVE,
  liveApi,
  liveDm,
  liveLead,
  liveSuite,
  openStream,
  scheduleLive,
  sessionRow,
  setVisible,
  startLive,
  storedEvents,
  updateLive,
  watchHost,
  watchRoom,
  type LiveTeam,
  type RoomSnapshot,
} from '../support/live.ts';

let t: TestApp;
let team: LiveTeam;
liveSuite((app, liveTeam) => {
  [t, team] = [app, liveTeam];
});

describe('what viewers see', () => {
  it('the room on joining, then each change they care about, then the end', async () => {
    const id = await startLive(team.owner, team.shop);
    const room = watchRoom(t.as('room.viewer'), id);
    expect(await room.value()).toEqual({ sessionId: id, state: 'LIVE', allowViewerMessages: true, entries: [] });
    const entry = await addEntry(team.owner, id, { type: 'BUSINESS', function: 'WEBSITE', label: 'Order', target: 'https://shop.example.com' });
    await setVisible(team.owner, entry.id, true);
    expect(await room.value()).toEqual({
      sessionId: id,
      state: 'LIVE',
      allowViewerMessages: true,
      entries: [
        {
          id: entry.id,
          type: 'BUSINESS',
          function: 'WEBSITE',
          label: 'Order',
          target: 'https://shop.example.com',
          leadFormId: null,
          leadFormName: null,
          callToAction: null,
        },
      ],
    });
    await updateLive(team.owner, id, { allowViewerMessages: false });
    expect(await room.value()).toMatchObject({ allowViewerMessages: false, entries: [{ id: entry.id }] });
    await endLive(team.owner, id);
    expect(await room.value()).toMatchObject({ state: 'ENDED' });
    await expect.poll(() => room.completed).toBe(true);
  });

  it('viewers who ask for different fields each get their own answer to the same change', async () => {
    // one execution per change is shared among identical subscriptions: different documents
    // and variables must not see each other's result
    const id = await startLive(team.owner, team.shop);
    const other = await startLive(team.as('foreign'), team.foreignShop);
    const full = watchRoom(t.as('shape.full'), id);
    const same = watchRoom(t.as('shape.same'), id);
    const narrow = openStream<{ state: string; n: { label: string | null }[] }>(
      t.as('shape.narrow'),
      `subscription ($s: ID!) { liveRoom(sessionId: $s) { state n: entries { label } } }`,
      { s: id },
      'liveRoom',
    );
    const elsewhere = watchRoom(t.as('shape.elsewhere'), other);
    await Promise.all([full.value(), same.value(), narrow.value(), elsewhere.value()]);
    const entry = await addEntry(team.owner, id, { type: 'BUSINESS', function: 'WEBSITE', label: 'Shop', target: 'https://shop.example.com' });
    await setVisible(team.owner, entry.id, true);
    const [a, b, c] = await Promise.all([full.value(), same.value(), narrow.value()]);
    expect(a).toMatchObject({ sessionId: id, entries: [{ id: entry.id, label: 'Shop', type: 'BUSINESS' }] });
    expect(b).toEqual(a);
    expect(c).toEqual({ state: 'LIVE', n: [{ label: 'Shop' }] });
    expect(await elsewhere.stream.quiet()).toBe(true);
    await Promise.all([endLive(team.owner, id), endLive(team.as('foreign'), other)]);
    expect((await elsewhere.value()).state).toBe('ENDED');
  });

  it('never carries other viewers’ messages or leads, nor anything personal', async () => {
    const form = await approvedLeadForm(t, team.handle('owner'), team.shop, { name: 'Quote' });
    const id = await startLive(team.owner, team.shop);
    const entry = await addEntry(team.owner, id, { type: 'GET_LEADS', leadFormId: form });
    await setVisible(team.owner, entry.id, true);
    const watcher = watchRoom(t.as('room.watcher'), id);
    const first = await watcher.value();
    expect(first.entries).toEqual([
      { id: entry.id, type: 'GET_LEADS', function: null, label: null, target: null, leadFormId: form, leadFormName: 'Quote', callToAction: 'CONTACT_US' },
    ]);
    // other viewers write and leave leads: the host sees it all, the room nothing
    const host = watchHost(team.owner, id, 0);
    await liveDm(t.as('room.chatty'), team.shopHandle, id, 'my phone is +33 6 12 34 56 78');
    await liveLead(t.as('room.chatty'), form, id);
    expect((await host.take(5)).map((e) => e.type)).toEqual(['STATS', 'ENTRY_CHANGED', 'ENTRY_CHANGED', 'VIEWER_MESSAGE', 'LEAD_SUBMITTED']);
    expect(await watcher.quiet(600)).toBe(true);
    // what could the room ever carry? only these fields, whatever a client asks for
    const types = await t.as('room.watcher').request(/* GraphQL */ `
      {
        room: __type(name: "LiveRoom") {
          fields {
            name
          }
        }
        entry: __type(name: "LiveRoomEntry") {
          fields {
            name
          }
        }
      }
    `);
    expect(types.room.fields.map((f: { name: string }) => f.name).sort()).toEqual(['allowViewerMessages', 'entries', 'sessionId', 'state']);
    expect(types.entry.fields.map((f: { name: string }) => f.name).sort()).toEqual([
      'callToAction',
      'function',
      'id',
      'label',
      'leadFormId',
      'leadFormName',
      'target',
      'type',
    ]);
    // and what it carried, down to the socket frames' content
    await updateLive(team.owner, id, { allowViewerMessages: false });
    const changed = await watcher.value();
    for (const snapshot of [first, changed] as RoomSnapshot[]) {
      const text = JSON.stringify(snapshot);
      for (const secret of ['room.chatty', '+33 6 12 34 56 78', 'jeanne', 'Jeanne Dupont', team.handle('owner')]) expect(text).not.toContain(secret);
    }
    await endLive(team.owner, id);
  });

  it('completes at once for an ended live, and has nothing for an unknown one', async () => {
    const id = await startLive(team.owner, team.shop);
    await endLive(team.owner, id);
    const late = watchRoom(t.as('room.late'), id);
    expect(await late.value()).toMatchObject({ state: 'ENDED', entries: [] });
    await expect.poll(() => late.completed).toBe(true);
    const unknown = watchRoom(t.as('room.late'), encodeGlobalID('LiveSession', '019aa000-0000-7000-8000-000000000000'));
    await expect.poll(() => unknown.completed).toBe(true);
    expect(await unknown.quiet(100)).toBe(true);
  });

  it('is for signed-in users', async () => {
    const id = await startLive(team.owner, team.shop);
    await expectSubscriptionRefused(t.anonymous(), LIVE.room, { sessionId: id }, 'UNAUTHENTICATED');
    await endLive(team.owner, id);
  });
});

describe('viewer counts', () => {
  const viewers = async (id: string) => (await team.owner.request(LIVE.session, { id })).node.stats.viewers as number;

  it('joining and leaving count viewers; STATS carry the count and the peak', async () => {
    const id = await startLive(team.owner, team.shop);
    const host = watchHost(team.as('analyst'), id, 0);
    expect((await host.value()).stats).toMatchObject({ viewers: 0, peakViewers: 0 });
    const rooms = ['count.a', 'count.b', 'count.c'].map((viewer) => watchRoom(t.as(viewer), id));
    for (const room of rooms) await room.value();
    t.clock.advance(1000);
    expect((await host.value()).stats).toMatchObject({ viewers: 3, peakViewers: 3 });

    await rooms[0].close();
    await rooms[1].close();
    await expect.poll(() => viewers(id), { timeout: 10_000 }).toBe(1);
    t.clock.advance(1000);
    expect(await host.value()).toMatchObject({ type: 'STATS', stats: { viewers: 1, peakViewers: 3 } });

    await endLive(team.owner, id);
    expect(await host.value()).toMatchObject({ type: 'LIVE_ENDED', stats: { viewers: 0, peakViewers: 3 } });
    await rooms[2].close();
    expect(await sessionRow(t, id)).toMatchObject({ peakViewers: 3 });
    expect(await viewers(id)).toBe(0);
  });

  it('counts viewers who wait in the room before the start', async () => {
    const id = await scheduleLive(team.owner, team.shop);
    const early = watchRoom(t.as('count.early'), id);
    expect((await early.value()).state).toBe('SCHEDULED');
    expect((await liveApi(team.owner).start(id)).userErrors).toEqual([]);
    expect((await early.value()).state).toBe('LIVE');
    expect((await storedEvents(t, id)).at(-1)).toMatchObject({ type: 'STATS', payload: { viewers: 1, peakViewers: 1 } });
    await early.close();
    await expect.poll(() => viewers(id), { timeout: 10_000 }).toBe(0);
    await endLive(team.owner, id);
  });

  it('a room left by a viewer stops at once, before any further change', async () => {
    const id = await startLive(team.owner, team.shop);
    const room = watchRoom(t.as('count.quick'), id);
    await room.value();
    expect(await viewers(id)).toBe(1);
    await room.close();
    await expect.poll(() => viewers(id), { timeout: 10_000 }).toBe(0);
    await endLive(team.owner, id);
  });
});
