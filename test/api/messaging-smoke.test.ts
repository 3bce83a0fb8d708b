import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';
import { subscribe } from '../support/client.ts';

let t: TestApp;
beforeAll(async () => { t = await startApp(); });
afterAll(() => t?.close());

it('runs a DM conversation end to end', async () => {
  const owner = t.as('dm.owner');
  const { organizationCreate } = await owner.request(`mutation { organizationCreate(input: { name: "DM" }) { organization { id } } }`);
  const { businessAccountCreate } = await owner.request(`mutation ($o: ID!) { businessAccountCreate(organizationId: $o, input: { handle: "dm.shop", displayName: "DM", region: "US", category: "Retail" }) { account { id } } }`, { o: organizationCreate.organization.id });
  const accountId = businessAccountCreate.account.id;
  const ws = owner.ws();
  const inbox = subscribe(ws, `subscription ($a: ID!) { inboxEvents(accountId: $a) { type message { text direction } conversation { unread } } }`, { a: accountId });
  await new Promise((r) => setTimeout(r, 200));
  const viewer = t.as('dm.viewer');
  const sent = await viewer.request(`mutation { businessMessageSend(handle: "dm.shop", input: { kind: TEXT, text: "Hi 👋" }) { conversation { id state origin } message { text } userErrors { code field message } } }`);
  expect(sent.businessMessageSend.userErrors).toEqual([]);
  const event = await inbox.next();
  expect(event.data.inboxEvents).toMatchObject({ type: 'MESSAGE_RECEIVED', message: { text: 'Hi 👋', direction: 'INBOUND' }, conversation: { unread: true } });
  const conversationId = sent.businessMessageSend.conversation.id;
  const list = await owner.request(`query ($a: ID!) { inbox(accountId: $a) { edges { node { id contact { handle } lastMessage { text } repliesLeft replyWindowEndsAt } } } }`, { a: accountId });
  expect(list.inbox.edges[0].node).toMatchObject({ contact: { handle: 'dm.viewer' }, lastMessage: { text: 'Hi 👋' }, repliesLeft: 10 });
  for (let i = 0; i < 10; i++) {
    const r = await owner.request(`mutation ($id: ID!) { conversationMessageSend(id: $id, input: { kind: TEXT, text: "reply" }) { userErrors { code } } }`, { id: conversationId });
    expect(r.conversationMessageSend.userErrors).toEqual([]);
  }
  const refused = await owner.request(`mutation ($id: ID!) { conversationMessageSend(id: $id, input: { kind: TEXT, text: "one too many" }) { userErrors { code field message } } }`, { id: conversationId });
  expect(refused.conversationMessageSend.userErrors[0].code).toBe('WINDOW_QUOTA_EXCEEDED');
  t.clock.advance(49 * 3600_000);
  await viewer.request(`mutation { businessMessageSend(handle: "dm.shop", input: { kind: TEXT, text: "again" }) { userErrors { code } } }`);
  const link = await owner.request(`query ($id: ID!) { node(id: $id) { ... on BusinessAccount { chatLink { url qrSvg qrPng } } } }`, { id: accountId });
  expect(link.node.chatLink.url).toBe('https://tiktok.me/dm.shop');
  expect(link.node.chatLink.qrSvg).toContain('<svg');
  expect(link.node.chatLink.qrPng).toMatch(/^data:image\/png;base64,/);
  await ws.dispose();
});
