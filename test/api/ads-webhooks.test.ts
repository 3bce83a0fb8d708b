// An ad click is a referral for the tools connected to the account: `conversation.referral`
// is written in the click's transaction (with the ad as it was clicked), whether the click
// opened the conversation or brought back a contact who already had one; the user's first
// message then arrives as `message.received` only.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { webhookWorker } from '../../src/modules/integrations/worker.ts';
import { activeAd, adTeam, click, type AdTeam } from '../support/ads.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { connect, parsed, registerEndpoint, startReceiver, verifySignature, type Receiver } from '../support/integrations.ts';
import { sendDm } from '../support/messaging.ts';

let t: TestApp;
let team: AdTeam;
let receiver: Receiver;
beforeAll(async () => {
  t = await startApp({ now: '2026-06-01T08:00:00.000Z', env: { WEBHOOK_POLL_MS: '60000' } });
  team = await adTeam(t);
  receiver = await startReceiver();
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

it('sends conversation.referral for each ad click, signed, before the messages of that conversation', async () => {
  const tool = await connect(t, team, [team.shop], ['messages:read', 'webhooks:manage']);
  const endpoint = await registerEndpoint(tool.api, receiver.url, ['conversation.referral', 'message.received']);
  const ad = await activeAd(team, { title: 'Summer drop' });
  const opened = await click(t, ad, 'fan.one', 'clk-wh-1');
  t.clock.advance(60_000);
  await click(t, ad, 'fan.one', 'clk-wh-2');
  // a retried report is the same click: no second event
  await click(t, ad, 'fan.one', 'clk-wh-2');
  await sendDm(t.as('fan.one'), team.shopHandle, { kind: 'TEXT', text: 'Hi, is the drop still on?' });
  await webhookWorker(t.app.services).poll();
  await webhookWorker(t.app.services).poll();

  expect(receiver.received.every((r) => verifySignature(endpoint.secret, r.headers, r.body))).toBe(true);
  const events = receiver.received.map(parsed);
  expect(events.map((e) => e.type)).toEqual(['conversation.referral', 'conversation.referral', 'message.received']);
  const [first, second] = events;
  expect(first!.data).toMatchObject({
    conversation: { id: opened.conversationId, origin: 'AD', opened: true },
    referral: { source: 'AD', adId: ad, adTitle: 'Summer drop', creative: { kind: 'POST', postId: team.postId }, clickId: 'clk-wh-1', clickedAt: '2026-06-01T08:00:00.000Z' },
  });
  expect(second!.data).toMatchObject({ conversation: { id: opened.conversationId, opened: false }, referral: { clickId: 'clk-wh-2', clickedAt: '2026-06-01T08:01:00.000Z' } });
  expect(await t.db.webhookEvent.count({ where: { type: 'conversation.referral' } })).toBe(2);
});
