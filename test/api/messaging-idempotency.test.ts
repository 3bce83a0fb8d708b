// Idempotent sends: a user's businessMessageSend and a team member's conversationMessageSend
// take an optional idempotencyKey. A retry with the same key (per sender) stores one message
// and answers with it, also when the retries race; the same key with another conversation or
// other content is refused with IDEMPOTENCY_KEY_REUSED and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.ts';
import { expectUserErrors, pngFile } from '../support/fixtures.ts';
import { expectNoMessagingChange, MESSAGE_SEND, messageRows, REPLY, startConversation, startWithDmTeam, type DmTeam } from '../support/messaging.ts';

let t: TestApp;
let team: DmTeam;
beforeAll(async () => ({ t, team } = await startWithDmTeam()));
afterAll(() => t?.close());

const send = async (viewer: string, handle: string, input: Record<string, unknown>) => (await t.as(viewer).request(MESSAGE_SEND, { handle, input })).businessMessageSend;
const reply = async (who: string, id: string, input: Record<string, unknown>) => (await team.as(who).request(REPLY, { id, input })).conversationMessageSend;
const keyCount = (idempotencyKey: string) => t.db.message.count({ where: { idempotencyKey } });

describe('a user’s send with an idempotency key', () => {
  it('stores one message for two sends with the same key and answers both with it', async () => {
    const first = await send('idem.ana', team.shopHandle, { kind: 'TEXT', text: 'Do you ship to Lyon?', idempotencyKey: 'ana-1' });
    expect(first.userErrors).toEqual([]);
    const again = await send('idem.ana', team.shopHandle, { kind: 'TEXT', text: 'Do you ship to Lyon?', idempotencyKey: 'ana-1' });
    expect(again.userErrors).toEqual([]);
    expect(again.message).toEqual(first.message);
    expect(again.conversation.id).toBe(first.conversation.id);
    expect(await keyCount('ana-1')).toBe(1);
    expect((await messageRows(t, first.conversation.id)).map((m) => m.text)).toEqual(['Do you ship to Lyon?']);
  });

  it('stores one message when retries race', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => send('idem.ben', team.shopHandle, { kind: 'TEXT', text: 'Hello?', idempotencyKey: 'ben-burst' })));
    expect(results.map((r) => r.userErrors)).toEqual(Array(6).fill([]));
    expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
    expect(await keyCount('ben-burst')).toBe(1);
    expect(await messageRows(t, results[0].conversation.id)).toHaveLength(1);
  });

  it('stores two messages for two keys, and the same key of two users is two messages', async () => {
    const a = await send('idem.cleo', team.shopHandle, { kind: 'TEXT', text: 'Same words', idempotencyKey: 'k-1' });
    const b = await send('idem.cleo', team.shopHandle, { kind: 'TEXT', text: 'Same words', idempotencyKey: 'k-2' });
    const c = await send('idem.dan', team.shopHandle, { kind: 'TEXT', text: 'Same words', idempotencyKey: 'k-1' });
    expect(new Set([a.message.id, b.message.id, c.message.id]).size).toBe(3);
    expect(await messageRows(t, a.conversation.id)).toHaveLength(2);
  });

  it('refuses the key with other content or another account, changing nothing', async () => {
    const first = await send('idem.eve', team.shopHandle, { kind: 'TEXT', text: 'First words', idempotencyKey: 'eve-1' });
    expect(first.userErrors).toEqual([]);
    for (const [handle, input] of [
      [team.shopHandle, { kind: 'TEXT', text: 'Other words', idempotencyKey: 'eve-1' }],
      [team.shopHandle, { kind: 'STICKER', stickerId: 'smile', idempotencyKey: 'eve-1' }],
      [team.otherHandle, { kind: 'TEXT', text: 'First words', idempotencyKey: 'eve-1' }],
    ] as const) {
      const refused = await expectNoMessagingChange(t, () => send('idem.eve', handle, input));
      expectUserErrors(refused, ['IDEMPOTENCY_KEY_REUSED', ['input', 'idempotencyKey']]);
      expect(refused.message).toBeNull();
    }
  });

  it('refuses empty and over-long keys', async () => {
    for (const idempotencyKey of ['', 'k'.repeat(129)]) {
      const refused = await expectNoMessagingChange(t, () => send('idem.fay', team.shopHandle, { kind: 'TEXT', text: 'Hi', idempotencyKey }));
      expectUserErrors(refused, ['INVALID', ['input', 'idempotencyKey']]);
    }
  });

  it('recognises a retried media send by its bytes', async () => {
    const upload = (seed: number) =>
      t.as('idem.gus').upload(MESSAGE_SEND, { handle: team.shopHandle, input: { kind: 'IMAGE', file: null, idempotencyKey: 'gus-photo' } }, { 'input.file': { bytes: pngFile(seed) } });
    const first = (await upload(1)).data!.businessMessageSend;
    expect(first.userErrors).toEqual([]);
    expect((await upload(1)).data!.businessMessageSend.message.id).toBe(first.message.id);
    expectUserErrors((await upload(2)).data!.businessMessageSend, ['IDEMPOTENCY_KEY_REUSED', ['input', 'idempotencyKey']]);
    expect(await keyCount('gus-photo')).toBe(1);
  });
});

describe('a team reply with an idempotency key', () => {
  it('stores one reply for a retry and for racing retries, each answered with it', async () => {
    const conversationId = await startConversation(t.as('idem.hal'), team.shopHandle, 'Hi');
    const first = await reply('agent', conversationId, { kind: 'TEXT', text: 'Hello Hal', idempotencyKey: 'reply-1' });
    expect(first.userErrors).toEqual([]);
    const again = await reply('agent', conversationId, { kind: 'TEXT', text: 'Hello Hal', idempotencyKey: 'reply-1' });
    expect(again.message).toEqual(first.message);
    const raced = await Promise.all(Array.from({ length: 5 }, () => reply('agent', conversationId, { kind: 'TEXT', text: 'More news', idempotencyKey: 'reply-2' })));
    expect(raced.map((r) => r.userErrors)).toEqual(Array(5).fill([]));
    expect(new Set(raced.map((r) => r.message.id)).size).toBe(1);
    // one reply-window slot per stored reply
    expect(raced[0].conversation.repliesLeft).toBe(8);
    expect((await messageRows(t, conversationId)).map((m) => m.text)).toEqual(['Hi', 'Hello Hal', 'More news']);
  });

  it('answers a retry of the reply that used the window’s last slot with that reply, not WINDOW_QUOTA_EXCEEDED', async () => {
    const conversationId = await startConversation(t.as('idem.ivy'), team.shopHandle, 'Hi');
    for (let i = 0; i < 9; i++) expect((await reply('agent', conversationId, { kind: 'TEXT', text: `Reply ${i}` })).userErrors).toEqual([]);
    const last = await reply('agent', conversationId, { kind: 'TEXT', text: 'The tenth', idempotencyKey: 'ivy-10' });
    expect(last.conversation.repliesLeft).toBe(0);
    const retried = await reply('agent', conversationId, { kind: 'TEXT', text: 'The tenth', idempotencyKey: 'ivy-10' });
    expect(retried.userErrors).toEqual([]);
    expect(retried.message.id).toBe(last.message.id);
    expectUserErrors(await reply('agent', conversationId, { kind: 'TEXT', text: 'An eleventh', idempotencyKey: 'ivy-11' }), ['WINDOW_QUOTA_EXCEEDED', ['id']]);
  });

  it('refuses the key on another conversation, and keys are per sender', async () => {
    const one = await startConversation(t.as('idem.jo'), team.shopHandle, 'Hi');
    const two = await startConversation(t.as('idem.kim'), team.shopHandle, 'Hi');
    expect((await reply('agent', one, { kind: 'TEXT', text: 'Noted', idempotencyKey: 'shared' })).userErrors).toEqual([]);
    const refused = await expectNoMessagingChange(t, () => reply('agent', two, { kind: 'TEXT', text: 'Noted', idempotencyKey: 'shared' }));
    expectUserErrors(refused, ['IDEMPOTENCY_KEY_REUSED', ['input', 'idempotencyKey']]);
    // another member's key is their own
    expect((await reply('admin', two, { kind: 'TEXT', text: 'Noted', idempotencyKey: 'shared' })).userErrors).toEqual([]);
  });
});
