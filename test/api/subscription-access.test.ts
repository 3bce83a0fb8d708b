// Team streams stop for a member who loses access, through one mechanism: each
// subscription's own scopes are re-read while it streams (platform/subscription-access.ts).
// A member removed from the organization, or restricted away from the account, gets
// FORBIDDEN on the next event and nothing after it; the conversation's user keeps receiving.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MEMBERSHIP_RECHECK_MS } from '../../src/platform/subscription-access.ts';
import { BusinessInfoUpdateDocument, BusinessPageUpdatedDocument, MemberAddDocument, MemberRemoveDocument, MemberUpdateDocument } from '../generated/graphql.ts';
import type { TestApp } from '../support/app.ts';
import { subscribe, type Api } from '../support/client.ts';
import { accepted, localId, signIn } from '../support/fixtures.ts';
import { sendDm, startConversation, startWithDmTeam, type DmTeam } from '../support/messaging.ts';

let t: TestApp;
let team: DmTeam;
const clients: { dispose(): unknown }[] = [];
beforeAll(async () => {
  ({ t, team } = await startWithDmTeam());
  await signIn(t, 'sa.leaver', 'sa.mover', 'sa.user');
});
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await t?.close();
});

const CONVERSATION_EVENTS = /* GraphQL */ `subscription ($id: ID!) { conversationEvents(id: $id) { type message { text } } }`;
const INBOX_EVENTS = /* GraphQL */ `subscription ($accountId: ID!) { inboxEvents(accountId: $accountId) { type message { text } } }`;

async function listen(api: Api, document: unknown, variables: Record<string, unknown>) {
  const client = api.ws();
  clients.push(client);
  const subscription = subscribe(client, document as string, variables);
  // the protocol has no acknowledgement: give the subscription a moment to reach the server
  await new Promise((resolve) => setTimeout(resolve, 300));
  return subscription;
}
type Stream = Awaited<ReturnType<typeof listen>>;

async function addAgent(handle: string): Promise<string> {
  const { memberAdd } = await team.owner.request(MemberAddDocument, { organizationId: team.organizationId, input: { handle, role: 'AGENT' } });
  return accepted(memberAdd, 'memberAdd').member!.id;
}

const say = async (text: string) => expect((await sendDm(t.as('sa.user'), team.shopHandle, { kind: 'TEXT', text })).userErrors).toEqual([]);
/** access is re-read at most once a second per subscription */
const recheckPasses = () => new Promise((resolve) => setTimeout(resolve, MEMBERSHIP_RECHECK_MS + 200));

/** The stream refuses its next event with FORBIDDEN, then stays silent. */
async function expectEnded(stream: Stream, more: () => Promise<unknown>) {
  const next = await stream.next();
  expect(next.data ?? null).toBeNull();
  expect(next.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  await more();
  expect(await stream.quiet(500)).toBe(true);
}

it('conversationEvents ends for a member removed from the organization; the user keeps receiving', async () => {
  const memberId = await addAgent('sa.leaver');
  const conversation = await startConversation(t.as('sa.user'), team.shopHandle, 'Hello');
  const member = await listen(t.as('sa.leaver'), CONVERSATION_EVENTS, { id: conversation });
  const user = await listen(t.as('sa.user'), CONVERSATION_EVENTS, { id: conversation });
  await say('Before');
  expect((await member.next()).data).toEqual({ conversationEvents: { type: 'MESSAGE', message: { text: 'Before' } } });
  expect((await user.next()).data).toEqual({ conversationEvents: { type: 'MESSAGE', message: { text: 'Before' } } });

  accepted((await team.owner.request(MemberRemoveDocument, { id: memberId })).memberRemove, 'memberRemove');
  await recheckPasses();
  await say('After the removal');
  await expectEnded(member, () => say('And again'));
  expect((await user.next()).data?.conversationEvents.message.text).toBe('After the removal');
  expect((await user.next()).data?.conversationEvents.message.text).toBe('And again');
  // the stored messages reached the conversation all the same
  expect(await t.db.message.count({ where: { conversationId: localId(conversation) } })).toBe(4);
});

it('every team stream ends for a member restricted away from the account', async () => {
  const memberId = await addAgent('sa.mover');
  const conversation = await startConversation(t.as('sa.user'), team.shopHandle, 'Hello again');
  const mover = t.as('sa.mover');
  const streams = {
    conversation: await listen(mover, CONVERSATION_EVENTS, { id: conversation }),
    inbox: await listen(mover, INBOX_EVENTS, { accountId: team.shop }),
    page: await listen(mover, BusinessPageUpdatedDocument, { accountId: team.shop }),
  };
  const touchPage = (website: string) => team.owner.request(BusinessInfoUpdateDocument, { accountId: team.shop, input: { website } });
  await say('Before');
  await touchPage('https://shop.example.com/before');
  expect((await streams.conversation.next()).data?.conversationEvents.message.text).toBe('Before');
  expect((await streams.inbox.next()).data?.inboxEvents.message.text).toBe('Before');
  expect((await streams.page.next()).data?.businessPageUpdated).toBeTruthy();

  const { memberUpdate } = await team.owner.request(MemberUpdateDocument, { id: memberId, input: { accountIds: [team.other] } });
  accepted(memberUpdate, 'memberUpdate');
  await recheckPasses();
  await say('After the restriction');
  await touchPage('https://shop.example.com/after');
  await expectEnded(streams.conversation, () => say('Once more'));
  await expectEnded(streams.inbox, () => say('And once more'));
  await expectEnded(streams.page, () => touchPage('https://shop.example.com/again'));
});
