import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';
import { subscribe } from '../support/client.ts';

let t: TestApp;
beforeAll(async () => { t = await startApp(); });
afterAll(() => t?.close());

it('runs a live end to end', async () => {
  const owner = t.as('lv.owner');
  const { organizationCreate } = await owner.request(`mutation { organizationCreate(input: { name: "LV" }) { organization { id } } }`);
  const { businessAccountCreate } = await owner.request(`mutation ($o: ID!) { businessAccountCreate(organizationId: $o, input: { handle: "lv.shop", displayName: "LV", region: "US", category: "Retail" }) { account { id } } }`, { o: organizationCreate.organization.id });
  const accountId = businessAccountCreate.account.id;
  const sched = await owner.request(`mutation ($a: ID!) { liveSessionSchedule(accountId: $a, input: { title: "Launch" }) { session { id state } userErrors { code } } }`, { a: accountId });
  const sessionId = sched.liveSessionSchedule.session.id;
  const refused = await owner.request(`mutation ($id: ID!) { liveSessionStart(id: $id) { userErrors { code message } } }`, { id: sessionId });
  expect(refused.liveSessionStart.userErrors.map((e: { code: string }) => e.code)).toEqual(['LIVE_FOLLOWERS_TOO_FEW', 'LIVE_OWNER_TOO_YOUNG']);
  await t.as('pat', ['admin']).request(`mutation ($id: ID!) { businessAccountPlatformUpdate(id: $id, input: { followerCount: 5000, ownerAge: 30 }) { userErrors { code } } }`, { id: accountId });
  const started = await owner.request(`mutation ($id: ID!) { liveSessionStart(id: $id) { session { state } userErrors { code } } }`, { id: sessionId });
  expect(started.liveSessionStart.session.state).toBe('LIVE');
  const ws = owner.ws();
  const host = subscribe(ws, `subscription ($s: ID!, $after: Int) { liveEvents(sessionId: $s, afterSeq: $after) { seq type viewerMessage { viewerHandle text } stats { viewers messages } } }`, { s: sessionId, after: 0 });
  const first = await host.next();
  expect(first.data.liveEvents).toMatchObject({ seq: 1, type: 'STATS' });
  const viewer = t.as('lv.viewer');
  const vws = viewer.ws();
  const room = subscribe(vws, `subscription ($s: ID!) { liveRoom(sessionId: $s) { state allowViewerMessages entries { type } } }`, { s: sessionId });
  expect((await room.next()).data.liveRoom).toMatchObject({ state: 'LIVE', allowViewerMessages: true });
  const dm = await viewer.request(`mutation ($s: ID!) { businessMessageSend(handle: "lv.shop", input: { kind: TEXT, text: "hello host" }, context: { liveSessionId: $s }) { conversation { origin } userErrors { code field } } }`, { s: sessionId });
  expect(dm.businessMessageSend.userErrors).toEqual([]);
  expect(dm.businessMessageSend.conversation.origin).toBe('LIVE');
  t.clock.advance(1500);
  const events = [];
  for (;;) {
    const e = (await host.next()).data.liveEvents;
    events.push(e);
    if (e.type === 'STATS' && e.stats.messages === 1) break;
  }
  expect(events.map((e) => e.type)).toEqual(['VIEWER_MESSAGE', 'STATS']);
  expect(events[1].stats).toEqual({ viewers: 1, messages: 1 });
  expect(events.find((e) => e.type === 'VIEWER_MESSAGE').viewerMessage).toEqual({ viewerHandle: 'lv.viewer', text: 'hello host' });
  await owner.request(`mutation ($id: ID!) { liveSessionUpdate(id: $id, input: { allowViewerMessages: false }) { userErrors { code } } }`, { id: sessionId });
  expect((await room.next()).data.liveRoom.allowViewerMessages).toBe(false);
  const off = await viewer.request(`mutation ($s: ID!) { businessMessageSend(handle: "lv.shop", input: { kind: TEXT, text: "again" }, context: { liveSessionId: $s }) { userErrors { code field } } }`, { s: sessionId });
  expect(off.businessMessageSend.userErrors[0].code).toBe('VIEWER_MESSAGES_OFF');
  await owner.request(`mutation ($id: ID!) { liveSessionEnd(id: $id) { userErrors { code } } }`, { id: sessionId });
  const rest = [];
  for (;;) { const e = (await host.next()).data.liveEvents; rest.push(e); if (e.type === 'LIVE_ENDED') break; }
  const all = [first.data.liveEvents, ...events, ...rest];
  expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
  const replay = subscribe(ws, `subscription ($s: ID!, $after: Int) { liveEvents(sessionId: $s, afterSeq: $after) { seq type } }`, { s: sessionId, after: 2 });
  const replayed = [];
  for (;;) { const e = (await replay.next()).data.liveEvents; replayed.push(e.seq); if (e.type === 'LIVE_ENDED') break; }
  expect(replayed).toEqual(all.slice(2).map((e) => e.seq));
  await ws.dispose(); await vws.dispose();
});
