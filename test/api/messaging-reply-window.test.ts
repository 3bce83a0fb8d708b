// The reply window through the API: a business replies only within 48 hours of the user's
// latest message and at most 10 times per window, enforced atomically (concurrent senders
// cannot exceed it); refusals say why and until when. Also outbound text rules, replies that
// accept requests, and closed conversations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.ts';
import { createAccount, expectUserErrors, pngFile } from '../support/fixtures.ts';
import {
  CONVERSATION,
  conversationRow,
  startWithDmTeam,
  expectNoMessagingChange,
  hours,
  inboxContacts,
  messageRows,
  reply,
  replyFile,
  replyText,
  sendDm,
  setWhoCanMessage,
  startConversation,
  type DmTeam,
} from '../support/messaging.ts';

let t: TestApp;
let team: DmTeam;
beforeAll(async () => ({ t, team } = await startWithDmTeam({ now: '2026-05-04T08:00:00.000Z' })));
afterAll(() => t?.close());

let viewers = 0;
/** A new viewer's conversation with the shop, started now; returns its id and the viewer's handle. */
async function freshConversation() {
  const viewer = `win${++viewers}`;
  return { viewer, id: await startConversation(t.as(viewer), team.shopHandle, `Question ${viewers}`) };
}

const codes = (payload: { userErrors: { code: string; field: string[] | null }[] }) => payload.userErrors.map((e) => [e.code, e.field]);

describe('the quota of 10 messages per window', () => {
  it('counts replies down and refuses the 11th with WINDOW_QUOTA_EXCEEDED and the window’s end, storing nothing', async () => {
    const { id } = await freshConversation();
    const ends = new Date(t.clock.now().getTime() + hours(48)).toISOString();
    for (let sent = 1; sent <= 10; sent++) {
      t.clock.advance(60_000);
      const payload = await replyText(team.as(sent % 2 ? 'agent' : 'admin'), id, `Reply ${sent}`);
      expect(payload.conversation).toMatchObject({
        repliesLeft: 10 - sent,
        replyWindowEndsAt: ends,
        lastMessage: { text: `Reply ${sent}`, direction: 'OUTBOUND' },
      });
    }
    const refused = await expectNoMessagingChange(t, () => reply(team.owner, id, { kind: 'TEXT', text: 'One too many' }));
    expect(codes(refused)).toEqual([['WINDOW_QUOTA_EXCEEDED', ['id']]]);
    expect(refused.userErrors[0].message).toContain(ends);
    expect(refused.message).toBeNull();
    expect((await conversationRow(t, id)).windowRepliesUsed).toBe(10);
    expect((await messageRows(t, id)).filter((m) => m.direction === 'OUTBOUND')).toHaveLength(10);
  });

  it('starts a new window of 10 when the user writes again', async () => {
    const { viewer, id } = await freshConversation();
    for (let i = 0; i < 10; i++) await replyText(team.owner, id);
    t.clock.advance(hours(3));
    const again = await sendDm(t.as(viewer), team.shopHandle, { kind: 'TEXT', text: 'More questions' });
    expect(again.conversation).toMatchObject({ repliesLeft: 10, replyWindowEndsAt: new Date(t.clock.now().getTime() + hours(48)).toISOString() });
    const payload = await replyText(team.owner, id, 'Sure');
    expect(payload.conversation.repliesLeft).toBe(9);
  });

  it('lets exactly 10 of 15 concurrent sends through, from several team members', async () => {
    const { id } = await freshConversation();
    const senders = ['owner', 'admin', 'agent'];
    const results = await Promise.all(Array.from({ length: 15 }, (_, i) => reply(team.as(senders[i % 3]), id, { kind: 'TEXT', text: `Race ${i}` })));
    const accepted = results.filter((r) => r.userErrors.length === 0);
    const refused = results.filter((r) => r.userErrors.length > 0);
    expect(accepted).toHaveLength(10);
    expect(refused.map(codes)).toEqual(Array.from({ length: 5 }, () => [['WINDOW_QUOTA_EXCEEDED', ['id']]]));
    const outbound = (await messageRows(t, id)).filter((m) => m.direction === 'OUTBOUND');
    expect(outbound).toHaveLength(10);
    expect(new Set(outbound.map((m) => m.text))).toEqual(new Set(accepted.map((r) => r.message.text)));
    expect(await conversationRow(t, id)).toMatchObject({ windowRepliesUsed: 10 });
  });

  it('an image refused by the window leaves no file behind', async () => {
    const { id } = await freshConversation();
    for (let i = 0; i < 10; i++) await replyText(team.owner, id);
    const refused = await expectNoMessagingChange(t, () => replyFile(team.owner, id, 'IMAGE', pngFile(0x5eed)));
    expect(codes(refused)).toEqual([['WINDOW_QUOTA_EXCEEDED', ['id']]]);
  });
});

describe('the 48-hour window', () => {
  it('allows replies until 48 hours after the user’s latest message, then refuses with WINDOW_EXPIRED', async () => {
    const { viewer, id } = await freshConversation();
    const wroteAt = t.clock.now();
    const ends = new Date(wroteAt.getTime() + hours(48));
    t.clock.set(new Date(ends.getTime() - 1));
    expect((await replyText(team.owner, id, 'Just in time')).conversation).toMatchObject({ repliesLeft: 9, replyWindowEndsAt: ends.toISOString() });

    t.clock.set(ends);
    const { node } = await team.owner.request(CONVERSATION, { id });
    expect(node).toMatchObject({ repliesLeft: 0, replyWindowEndsAt: ends.toISOString() });
    const refused = await expectNoMessagingChange(t, () => reply(team.owner, id, { kind: 'TEXT', text: 'Too late' }));
    expect(codes(refused)).toEqual([['WINDOW_EXPIRED', ['id']]]);
    expect(refused.userErrors[0].message).toContain(ends.toISOString());
    t.clock.advance(hours(24 * 30));
    expect(codes(await expectNoMessagingChange(t, () => replyFile(team.owner, id, 'IMAGE', pngFile(0x1a7e))))).toEqual([['WINDOW_EXPIRED', ['id']]]);

    await sendDm(t.as(viewer), team.shopHandle, { kind: 'TEXT', text: 'Hello again' });
    expect((await replyText(team.owner, id, 'Welcome back')).conversation.repliesLeft).toBe(9);
  });
});

describe('outbound text', () => {
  it('accepts up to 6000 characters and refuses blank or longer text without taking a slot', async () => {
    const { id } = await freshConversation();
    const longest = '🥐'.repeat(6000);
    expect((await replyText(team.owner, id, longest)).message.text).toBe(longest);
    for (const [text, code] of [
      ['🥐'.repeat(6001), 'TOO_LONG'],
      ['   ', 'REQUIRED'],
      ['', 'REQUIRED'],
    ] as const) {
      const refused = await expectNoMessagingChange(t, () => reply(team.owner, id, { kind: 'TEXT', text }));
      expectUserErrors(refused, [code, ['input', 'text']]);
    }
    expect((await conversationRow(t, id)).windowRepliesUsed).toBe(1);
  });

  it('marks the conversation read, shows as its last message, and reaches the user', async () => {
    const { viewer, id } = await freshConversation();
    expect((await conversationRow(t, id)).unread).toBe(true);
    t.clock.advance(1000);
    const sent = await replyText(team.as('agent'), id, 'We deliver on Saturdays.');
    expect(sent.message).toMatchObject({
      direction: 'OUTBOUND',
      kind: 'TEXT',
      sender: { handle: team.handle('agent') },
      automated: false,
      status: 'SENT',
      createdAt: t.clock.now().toISOString(),
    });
    expect(sent.conversation).toMatchObject({ unread: false, lastMessage: { id: sent.message.id }, lastMessageAt: t.clock.now().toISOString() });
    const { node } = await t.as(viewer).request(CONVERSATION, { id });
    expect(node.messages.edges.map((e: { node: { text: string; direction: string } }) => [e.node.direction, e.node.text])).toEqual([
      ['OUTBOUND', 'We deliver on Saturdays.'],
      ['INBOUND', `Question ${viewers}`],
    ]);
  });
});

describe('requests and closed conversations', () => {
  it('a reply accepts a message request', async () => {
    const accountId = await createAccount(t, team.handle('owner'), team.organizationId, 'win_requests');
    await setWhoCanMessage(team, accountId, 'FOLLOWERS');
    const id = await startConversation(t.as('win.stranger'), 'win_requests');
    expect((await conversationRow(t, id)).state).toBe('REQUEST');
    t.clock.advance(1000);
    const sent = await replyText(team.owner, id, 'Happy to help');
    expect(sent.conversation).toMatchObject({ state: 'OPEN', acceptedAt: t.clock.now().toISOString(), repliesLeft: 9 });
    expect(await inboxContacts(team.owner, accountId)).toEqual(['win.stranger']);
    expect(await inboxContacts(team.owner, accountId, { requests: true })).toEqual([]);
  });

  it('refuses to send into a closed conversation (CONVERSATION_CLOSED) until it is reopened', async () => {
    const { id } = await freshConversation();
    await replyText(team.owner, id);
    const closed = await team.owner.request(`mutation ($id: ID!) { conversationClose(id: $id) { conversation { state } userErrors { code } } }`, { id });
    expect(closed.conversationClose).toEqual({ conversation: { state: 'CLOSED' }, userErrors: [] });
    for (const send of [() => reply(team.owner, id, { kind: 'TEXT', text: 'Hello?' }), () => replyFile(team.owner, id, 'IMAGE', pngFile(0xc105))]) {
      const refused = await expectNoMessagingChange(t, send);
      expect(codes(refused)).toEqual([['CONVERSATION_CLOSED', ['id']]]);
    }
    await team.owner.request(`mutation ($id: ID!) { conversationReopen(id: $id) { userErrors { code } } }`, { id });
    expect((await replyText(team.owner, id, 'Back again')).conversation).toMatchObject({ state: 'OPEN', repliesLeft: 8 });
  });
});
